"""The XLSX reader alone, the file read twice as an import reads it (validation pass, then
writing pass): cpfadmin's ``ouvrir()`` (python-calamine) or openpyxl as the former
``SourceXlsx`` read it (one load for the header, one per pass), rows made into dictionaries.

    python -m bench.programmes.lecture calamine|openpyxl FICHIER

Prints the number of rows read; the time, modules loaded, as a last ``DUREE=`` line on stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def deux_passes_calamine(fichier: Path) -> tuple[int, float]:
    """(rows read, seconds): ``ouvrir()``, then its rows twice."""
    import python_calamine  # noqa: F401 — loaded before the clock starts, as openpyxl below

    from cpfadmin.adapters.fichiers import ouvrir

    debut = time.perf_counter()
    source = ouvrir(fichier)
    n = 0
    for _ in range(2):  # validation pass, then writing pass
        for _ligne in source.lignes():
            n += 1
    return n, time.perf_counter() - debut


def deux_passes_openpyxl(fichier: Path) -> tuple[int, float]:
    """(rows read, seconds): what the former SourceXlsx did, one load for the header, then one
    load per pass, each row made into a dictionary of the header's names."""
    from openpyxl import load_workbook

    debut = time.perf_counter()
    with fichier.open("rb") as flux:
        classeur = load_workbook(flux, read_only=True, data_only=True)
        rangees = classeur.worksheets[0].iter_rows(values_only=True)
        entetes = ["" if e is None else str(e).strip() for e in next(rangees)]
        classeur.close()
    n = 0
    for _ in range(2):
        with fichier.open("rb") as flux:
            classeur = load_workbook(flux, read_only=True, data_only=True)
            rangees = classeur.worksheets[0].iter_rows(values_only=True)
            for numero, cellules in enumerate(rangees, start=1):
                if numero == 1 or not any(c not in (None, "") for c in cellules):
                    continue
                _valeurs = dict(zip(entetes, cellules, strict=False))
                n += 1
            classeur.close()
    return n, time.perf_counter() - debut


def main() -> None:
    lecteur, fichier = sys.argv[1], Path(sys.argv[2])
    lire = deux_passes_calamine if lecteur == "calamine" else deux_passes_openpyxl
    n, duree = lire(fichier)
    print(n)
    sys.stderr.write(f"\nDUREE={duree}\n")


if __name__ == "__main__":
    main()
