"""The same command as on the command line, run by the CLI in-process once the modules it uses
are imported: the time from the command's start to its JSON written, on stderr. Arguments:
the command line's."""

import sys
import time


def main() -> None:
    import psycopg  # noqa: F401 - every module the command uses, loaded before the clock
    import sqlalchemy.dialects.postgresql.psycopg
    import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401

    import cpfadmin.adapters.jetons
    import cpfadmin.application.gestionnaires
    import cpfadmin.cli.output
    import cpfadmin.config
    import cpfadmin.services.auth
    import cpfadmin.services.gestionnaires
    import cpfadmin.store.migrate  # noqa: F401
    from cpfadmin.cli.main import app

    debut = time.perf_counter()
    code = app(sys.argv[1:], standalone_mode=False)
    sys.stdout.flush()
    sys.stderr.write(f"\nDUREE={time.perf_counter() - debut}\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
