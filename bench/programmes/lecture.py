"""Reading an XLSX of many rows twice (the import's two passes): ``calamine`` through
``ouvrir()``, or ``openpyxl`` as the former reader did (one load for the header, one per pass).
Prints the rows read; the time on stderr (``DUREE=``). Arguments: the reader, the file."""

import sys
import time
from pathlib import Path


def par_calamine(fichier: str) -> int:
    from cpfadmin.adapters.fichiers import ouvrir  # loaded before the clock: see main()

    source = ouvrir(Path(fichier))
    n = 0
    for _ in range(2):  # validation pass, then writing pass
        for _ligne in source.lignes():
            n += 1
    return n


def par_openpyxl(fichier: str) -> int:
    from openpyxl import load_workbook

    def feuille():  # type: ignore[no-untyped-def]
        flux = open(fichier, "rb")  # noqa: SIM115 - closed with the workbook below
        classeur = load_workbook(flux, read_only=True, data_only=True)
        return flux, classeur, classeur.worksheets[0].iter_rows(values_only=True)

    flux, classeur, rangees = feuille()
    entetes = ["" if e is None else str(e).strip() for e in next(rangees)]
    classeur.close()
    flux.close()
    n = 0
    for _ in range(2):
        flux, classeur, rangees = feuille()
        for numero, cellules in enumerate(rangees, start=1):
            if numero == 1 or not any(c not in (None, "") for c in cellules):
                continue
            dict(zip(entetes, cellules, strict=False))
            n += 1
        classeur.close()
        flux.close()
    return n


def main() -> None:
    lecteur, fichier = sys.argv[1], sys.argv[2]
    # Each reader's modules are loaded before the clock starts: what is timed is the reading.
    if lecteur == "calamine":
        import python_calamine  # noqa: F401

        import cpfadmin.adapters.fichiers  # noqa: F401
    else:
        import openpyxl  # noqa: F401

    debut = time.perf_counter()
    n = par_calamine(fichier) if lecteur == "calamine" else par_openpyxl(fichier)
    duree = time.perf_counter() - debut
    print(n)
    sys.stderr.write(f"\nDUREE={duree}\n")


if __name__ == "__main__":
    main()
