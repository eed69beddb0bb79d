"""4. Workbooks: an import from XLSX and ODS against the same rows in CSV, the import alone, the
reader alone (calamine against openpyxl), the peak memory."""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.importation import fichier_csv, pic_import
from bench.magasins import environnement, preparer_import
from bench.mesures import PYTHON, Mesure, alterner, chrono, duree_declaree, sortie_json
from bench.rapport import REMARQUES

PROFIL_LIBREOFFICE = "file:///tmp/lo-bench-profile"


def classeur_xlsx(csv_chemin: Path, xlsx_chemin: Path) -> None:
    """The CSV's rows in an XLSX (openpyxl, write-only), empty cells left empty."""
    import csv

    from openpyxl import Workbook

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Agents")
    with csv_chemin.open(encoding="utf-8", newline="") as f:
        for cellules in csv.reader(f, delimiter=";"):
            feuille.append([c if c != "" else None for c in cellules])
    classeur.save(xlsx_chemin)


def classeur_ods(xlsx_chemin: Path) -> Path | None:
    """The XLSX converted to ODS by LibreOffice (private profile); None without soffice."""
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    r = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={PROFIL_LIBREOFFICE}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(xlsx_chemin.parent),
            str(xlsx_chemin),
        ],
        capture_output=True,
        timeout=900,
    )
    ods = xlsx_chemin.with_suffix(".ods")
    if r.returncode != 0 or not ods.exists():
        raise SystemExit(f"soffice --convert-to ods : {(r.stderr or r.stdout).decode()[-500:]}")
    return ods


def fichiers_classeurs(dossier: Path, lignes: int) -> dict[str, Path]:
    """The same rows as CSV, XLSX and (if LibreOffice is there) ODS."""
    fichiers = {"csv": dossier / f"agents-{lignes}.csv"}
    fichier_csv(fichiers["csv"], lignes)
    fichiers["xlsx"] = dossier / f"agents-{lignes}.xlsx"
    classeur_xlsx(fichiers["csv"], fichiers["xlsx"])
    ods = classeur_ods(fichiers["xlsx"])
    if ods is not None:
        fichiers["ods"] = ods
    return fichiers


def comptes_crees(maison: Path) -> int:
    import sqlite3

    with sqlite3.connect(maison / "data" / "cpfadmin.db") as c:
        (n,) = c.execute(
            "SELECT count(*) FROM compte WHERE role != 'administrateur_principal'"
        ).fetchone()
    return n


def bench_classeurs(lignes: int, n: int, petit: int, grand: int) -> list[Mesure]:
    import shutil

    mesures: list[Mesure] = []
    with tempfile.TemporaryDirectory() as d:
        dossier = Path(d)
        fichiers = fichiers_classeurs(dossier, lignes)
        if "ods" not in fichiers:
            REMARQUES.append(
                "classeurs ODS — LibreOffice (`soffice`) est introuvable sur cette machine : "
                "pas de classeur ODS à importer, les lignes ODS (durée et mémoire) ne sont pas "
                "mesurées."
            )
        # One store prepared once (first operator logged in, the employer added), copied
        # afresh before every import: each import runs on the same empty store.
        modele = dossier / "modele"
        _, siret = preparer_import(modele, None)

        def sur_une_copie(format_: str, mesurer: Callable[[Path], float]) -> float:
            maison = dossier / f"essai-{uuid.uuid4().hex[:8]}"
            shutil.copytree(modele, maison)
            try:
                duree = mesurer(maison)
                crees = comptes_crees(maison)
                if crees != lignes:
                    raise SystemExit(f"import {format_} : {crees} comptes créés sur {lignes}")
                return duree
            finally:
                shutil.rmtree(maison, ignore_errors=True)

        def processus(format_: str) -> float:
            """The whole command: start-up, import, then the welcome e-mails delivered."""
            commande = [PYTHON, "-m", "cpfadmin", "gestionnaires", "import"]
            commande += [str(fichiers[format_]), "--organisme", siret, "--create-unites"]
            return sur_une_copie(format_, lambda maison: chrono(commande, environnement(maison)))

        def import_seul(format_: str) -> float:
            """The importer program's own timing, as bench_import: from ouvrir() to the rows
            written."""

            def mesurer(maison: Path) -> float:
                fichier = str(fichiers[format_])
                return sortie_json("importer", fichier, siret, env=environnement(maison))["duree"]

            return sur_une_copie(format_, mesurer)

        for format_, nom in (("xlsx", "XLSX"), ("ods", "ODS")):
            if format_ not in fichiers:
                continue
            m, ref = alterner(lambda f=format_: processus(f), lambda: processus("csv"), n)
            origine = (
                "écrit par openpyxl"
                if format_ == "xlsx"
                else "converti par LibreOffice (`soffice --convert-to ods`) depuis le XLSX"
            )
            mesures.append(
                Mesure(
                    f"import de {lignes} lignes depuis un classeur {nom} (SQLite)",
                    m,
                    ref,
                    1.5,
                    note=f"`cpfadmin gestionnaires import --create-unites` (processus entiers) "
                    f"d'un classeur {nom} {origine}, contre les mêmes lignes en CSV importées "
                    "dans la même exécution, en alternance ; chaque essai sur une copie du même "
                    "magasin vide. Cible : ≤ 1,5× le CSV. Le processus entier comprend le "
                    f"démarrage et l'envoi des {lignes} e-mails de bienvenue qui suit l'import "
                    "(transport fichier), identiques dans les deux formats : la ligne suivante "
                    f"isole l'import (écart ici : {(m - ref) * 1000:+.0f} ms)",
                )
            )
            m2, ref2 = alterner(lambda f=format_: import_seul(f), lambda: import_seul("csv"), n)
            mesures.append(
                Mesure(
                    f"… l'import seul, sans démarrage ni envoi des e-mails ({nom} contre CSV)",
                    m2,
                    ref2,
                    None,
                    note="de `ouvrir()` aux lignes écrites (validation puis écriture), modules "
                    "chargés, comme la ligne « import de … lignes (SQLite) » : ce que le format "
                    f"du fichier change vraiment (écart : {(m2 - ref2) * 1000:+.0f} ms)",
                )
            )
        # For information: the reader alone, the XLSX read twice as an import reads it.
        env = environnement(dossier)
        cal, opx = alterner(
            lambda: duree_declaree("lecture", "calamine", str(fichiers["xlsx"]), env=env),
            lambda: duree_declaree("lecture", "openpyxl", str(fichiers["xlsx"]), env=env),
            n,
        )
        mesures.append(
            Mesure(
                f"… lecture seule du XLSX de {lignes} lignes, deux passes : calamine contre openpyxl",
                cal,
                opx,
                None,
                note="`ouvrir()` (python-calamine : la feuille lue une fois puis parcourue deux "
                "fois) contre openpyxl `load_workbook(read_only=True, data_only=True)` comme le "
                "lisait l'ancien code (un chargement pour l'en-tête, puis un par passe), les "
                "lignes rendues en dictionnaires dans les deux cas ; modules chargés, hors "
                "démarrage de Python",
            )
        )
    # Memory: peak RSS growth of an import from petit to grand rows, as bench_memoire (a
    # fresh store and one import process per figure).
    rss: dict[str, list[float]] = {}
    for taille in (petit, grand):
        with tempfile.TemporaryDirectory() as d:
            dossier = Path(d)
            fichiers = fichiers_classeurs(dossier, taille)
            for format_ in ("xlsx", "ods"):
                if format_ in fichiers:
                    maison = dossier / f"maison-{format_}"
                    rss.setdefault(format_, []).append(
                        pic_import(maison, fichiers[format_], taille)
                    )
    for format_, nom in (("xlsx", "XLSX"), ("ods", "ODS")):
        if len(rss.get(format_, [])) < 2:
            continue
        avant, apres = rss[format_]
        mesures.append(
            Mesure(
                f"mémoire de pointe, import de {petit} → {grand} lignes depuis un classeur {nom}",
                apres - avant,
                avant,
                200.0,
                unite="Mo",
                note=f"croissance du pic RSS : {avant:.0f} Mo → {apres:.0f} Mo (cible : < 200 Mo) ; "
                "calamine tient en mémoire la feuille lue pendant tout l'import, là où le CSV "
                "est lu au fil de l'eau",
            )
        )
    return mesures
