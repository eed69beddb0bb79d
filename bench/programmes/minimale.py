"""Reference for ``cpfadmin --help``: a minimal Typer application with five empty groups.

Timed as a whole process (``python bench/programmes/minimale.py [a] --help``): it imports
Typer and nothing else — no ``from __future__``, no ``bench``.
"""

import typer

app = typer.Typer()
for nom in ("a", "b", "c", "d", "e"):
    app.add_typer(typer.Typer(), name=nom)


@app.callback()
def principal() -> None:
    "Application minimale."


def main() -> None:
    app()


if __name__ == "__main__":
    main()
