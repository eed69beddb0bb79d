"""``cpfadmin`` run in-process once the modules a ``gestionnaires list`` uses are imported: the
time from the command's start to its JSON written, without Python's start-up and imports.

    python -m bench.programmes.liste_cpf -o json gestionnaires list …

The command's output on stdout; its time as a last ``DUREE=`` line on stderr; its exit code.
"""

from __future__ import annotations

import importlib
import sys
import time

# What the command would import on its way: loaded before the clock starts.
MODULES = (
    "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "cpfadmin.adapters.jetons",
    "cpfadmin.application.gestionnaires",
    "cpfadmin.cli.output",
    "cpfadmin.config",
    "cpfadmin.services.auth",
    "cpfadmin.services.gestionnaires",
    "cpfadmin.store.migrate",
)


def main() -> None:
    for module in MODULES:
        importlib.import_module(module)
    from cpfadmin.cli.main import app

    debut = time.perf_counter()
    code = app(sys.argv[1:], standalone_mode=False)
    sys.stdout.flush()
    sys.stderr.write(f"\nDUREE={time.perf_counter() - debut}\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
