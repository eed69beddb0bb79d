"""cpfadmin's benchmarks (SPEC §7): every figure is a ratio against a baseline measured in the
same run, interleaved with it, median of several runs — these machines are noisy.

    python bench/run.py                       # all, SQLite; writes docs/benchmarks.md
    python bench/run.py --postgres URL        # adds the PostgreSQL import and list
    python bench/run.py --rapide              # smaller sizes, for a quick look (no file written)

Each benchmark builds what it needs in a temporary CPFADMIN_HOME.
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys
from pathlib import Path

if not __package__:
    # Run as a script (python bench/run.py): Python put bench/ first on the path; the checkout
    # goes there instead, so that bench is imported as the package it is.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.aide import bench_aide
from bench.classeurs import bench_classeurs
from bench.distant import bench_distant
from bench.importation import bench_import, bench_memoire
from bench.liste import bench_liste
from bench.login import bench_login
from bench.mesures import RACINE, Mesure
from bench.rapport import rapport


def main() -> int:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument(
        "--postgres",
        default=os.environ.get("CPFADMIN_BENCH_POSTGRES_URL"),
        help="URL d'un serveur PostgreSQL où créer des bases jetables",
    )
    parseur.add_argument(
        "--rapide", action="store_true", help="tailles réduites, aucun fichier écrit"
    )
    parseur.add_argument(
        "--seulement",
        nargs="*",
        choices=["aide", "login", "import", "memoire", "classeurs", "liste", "distant"],
    )
    a = parseur.parse_args()
    # As installed: pip compiles the package to bytecode at install time. An editable checkout
    # under PYTHONDONTWRITEBYTECODE would otherwise recompile cpfadmin at every run measured.
    compileall.compile_dir(RACINE / "cpfadmin", quiet=1)
    quoi = set(
        a.seulement or ["aide", "login", "import", "memoire", "classeurs", "liste", "distant"]
    )
    mesures: list[Mesure] = []
    if "aide" in quoi:
        mesures += bench_aide(5 if a.rapide else 15)
    if "login" in quoi:
        mesures += bench_login(3 if a.rapide else 7)
    if "import" in quoi:
        mesures += bench_import(1000 if a.rapide else 10_000, 1 if a.rapide else 5, a.postgres)
    if "memoire" in quoi:
        mesures += bench_memoire(1000, 10_000 if a.rapide else 100_000)
    if "classeurs" in quoi:
        mesures += bench_classeurs(
            1000 if a.rapide else 10_000,
            1 if a.rapide else 5,
            1000,
            10_000 if a.rapide else 100_000,
        )
    if "liste" in quoi:
        mesures += bench_liste(10_000 if a.rapide else 100_000, 3 if a.rapide else 7, a.postgres)
    if "distant" in quoi:
        mesures += bench_distant(
            3 if a.rapide else 7, 1000 if a.rapide else 10_000, 1 if a.rapide else 3
        )
    commande = "python bench/run.py" + (" --postgres URL" if a.postgres else "")
    commande += " --rapide" if a.rapide else ""
    commande += f" --seulement {' '.join(a.seulement)}" if a.seulement else ""
    texte = rapport(mesures, commande)
    print(texte)
    if not a.rapide and not a.seulement:
        (RACINE / "docs" / "benchmarks.md").write_text(texte, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
