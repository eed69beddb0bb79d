"""The framework's floor for ``login``: a minimal Typer application whose one command reads a
line and verifies one bcrypt hash (given in ``CPFADMIN_BENCH_HACHE``) — no store, no session."""

import os
import sys

import typer


def main() -> None:
    app = typer.Typer()
    for nom in ("a", "b", "c", "d", "e"):
        app.add_typer(typer.Typer(), name=nom)

    @app.command()
    def login(identifiant: str, password_stdin: bool = False) -> None:
        import bcrypt

        sys.stdin.readline()
        bcrypt.checkpw(b"x" * 44, os.environ["CPFADMIN_BENCH_HACHE"].encode())

    app()


if __name__ == "__main__":
    main()
