"""The reference of ``--help``: a minimal Typer application with five empty groups."""

import typer


def main() -> None:
    app = typer.Typer()
    for nom in ("a", "b", "c", "d", "e"):
        app.add_typer(typer.Typer(), name=nom)

    @app.callback()
    def principal() -> None:
        "Application minimale."

    app()


if __name__ == "__main__":
    main()
