"""The framework's floor for ``cpfadmin login``: the minimal Typer application of
``minimale`` whose one command reads a line and verifies one bcrypt hash — no database, no
session, nothing else.

Timed as a whole process (``python bench/programmes/typer_login.py login ID
--password-stdin``); the hash to verify comes in ``BENCH_EMPREINTE_BCRYPT`` so that the
command line stays the one ``cpfadmin login`` is given.
"""

import os
import sys

import typer

app = typer.Typer()
for nom in ("a", "b", "c", "d", "e"):
    app.add_typer(typer.Typer(), name=nom)


@app.command()
def login(identifiant: str, password_stdin: bool = False) -> None:
    import bcrypt

    sys.stdin.readline()
    bcrypt.checkpw(b"x" * 44, os.environ["BENCH_EMPREINTE_BCRYPT"].encode())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
