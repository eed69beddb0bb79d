"""Builders of the files an employer's administrator hands to ``gestionnaires import``: CSV as
Excel writes it in France (any separator, encoding and line end), real XLSX workbooks made
with openpyxl, JSON arrays and NDJSON. Also readers for what cpfadmin writes back (reports,
exports) and a look at the imported accounts straight in the store.

Rows are dicts keyed by the canonical columns (``nom``, ``prenom``, ``email``, …); any other
key becomes a column of its own. ``entetes`` renames columns to the headers a person would
type (``{"prenom": "Prénom"}``)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cpfadmin.domain.tableur import COLONNES_IMPORT
from tests.support.base import lignes as lignes_sql

# The import's own columns (tests/unit/test_tableur.py pins them against the SPEC by hand).
COLONNES = COLONNES_IMPORT

# What a French HR department types as headers.
ENTETES_FRANCAIS = {
    "nom": "Nom",
    "prenom": "Prénom",
    "email": "E-mail",
    "telephone_fixe": "Téléphone fixe",
    "telephone_mobile": "Téléphone mobile",
    "unite": "Unité",
    "niveau_habilitation": "Niveau d'habilitation",
    "administrateur_delegue": "Administrateur délégué",
}

PRENOMS = ("Hélène", "Zoé", "Loïc", "Gaëlle", "Jérôme", "Françoise", "Noël", "Agnès", "Benoît")
NOMS = ("Lefèvre", "Bérard", "Côté", "Müller", "Dupré", "Garçon", "Perrière", "Éluard", "Ménard")
UNITES = ("Paie", "Formation", "Ressources humaines", "Comptabilité")


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c))


def agent(n: int, domaine: str = "lumiere.example", **surcharges: Any) -> dict[str, Any]:
    """The ``n``-th agent of a file: accented names, a unique e-mail, a valid mobile, and every
    third one a landline; unité, niveau and délégué vary. ``surcharges`` replace cells
    (``None`` removes one)."""
    prenom, nom = PRENOMS[n % len(PRENOMS)], NOMS[(n // len(PRENOMS)) % len(NOMS)]
    local = f"{sans_accents(prenom)}.{sans_accents(nom)}.{n}".lower().replace(" ", "-")
    ligne: dict[str, Any] = {
        "nom": nom,
        "prenom": prenom,
        "email": f"{local}@{domaine}",
        "telephone_fixe": f"01 {40 + n % 50:02d} {n // 10000 % 100:02d} {n // 100 % 100:02d} "
        f"{n % 100:02d}"
        if n % 3 == 0
        else "",
        "telephone_mobile": f"06 {n // 1000000 % 100:02d} {n // 10000 % 100:02d} "
        f"{n // 100 % 100:02d} {n % 100:02d}",
        "unite": UNITES[n % len(UNITES)] if n % 5 else "",
        "niveau_habilitation": ("", "consultation", "gestion")[n % 3],
        "administrateur_delegue": "oui" if n % 10 == 7 else "non",
    }
    for cle, valeur in surcharges.items():
        if valeur is None:
            ligne.pop(cle, None)
        else:
            ligne[cle] = valeur
    return ligne


def agents(nombre: int, debut: int = 0, domaine: str = "lumiere.example") -> list[dict[str, Any]]:
    return [agent(n, domaine) for n in range(debut, debut + nombre)]


def colonnes_de(lignes: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every key of the rows, canonical columns first, in a stable order."""
    vues: list[str] = []
    for ligne in lignes:
        vues.extend(k for k in ligne if k not in vues)
    return [c for c in COLONNES if c in vues] + [k for k in vues if k not in COLONNES]


def grille(
    lignes: Sequence[Mapping[str, Any]],
    entetes: Mapping[str, str] | None = None,
    colonnes: Sequence[str] | None = None,
) -> list[list[Any]]:
    """The rows as a spreadsheet: the header row, then one list of cells per row."""
    colonnes = list(colonnes or colonnes_de(lignes))
    entetes = entetes or {}
    return [[entetes.get(c, c) for c in colonnes]] + [
        [ligne.get(c) for c in colonnes] for ligne in lignes
    ]


# --- CSV -------------------------------------------------------------------------------------------
def texte_csv(
    lignes: Sequence[Mapping[str, Any]],
    *,
    entetes: Mapping[str, str] | None = None,
    colonnes: Sequence[str] | None = None,
    separateur: str = ";",
    fin: str = "\r\n",
) -> str:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=separateur, lineterminator=fin)
    for rangee in grille(lignes, entetes, colonnes):
        ecrivain.writerow(["" if c is None else c for c in rangee])
    return sortie.getvalue()


def octets_csv(
    lignes: Sequence[Mapping[str, Any]],
    *,
    encodage: str = "utf-8",
    entetes: Mapping[str, str] | None = None,
    colonnes: Sequence[str] | None = None,
    separateur: str = ";",
    fin: str = "\r\n",
) -> bytes:
    """``encodage``: ``utf-8``, ``utf-8-sig`` (with BOM, as Excel's "CSV UTF-8") or ``cp1252``
    (Excel's plain "CSV (séparateur : point-virgule)" in France)."""
    texte = texte_csv(lignes, entetes=entetes, colonnes=colonnes, separateur=separateur, fin=fin)
    return texte.encode(encodage)


def ecrire_csv(chemin: Path, lignes: Sequence[Mapping[str, Any]], **options: Any) -> Path:
    chemin.write_bytes(octets_csv(lignes, **options))
    return chemin


# --- XLSX, JSON, NDJSON -----------------------------------------------------------------------------
def ecrire_xlsx(
    chemin: Path,
    lignes: Sequence[Mapping[str, Any]],
    *,
    entetes: Mapping[str, str] | None = None,
    colonnes: Sequence[str] | None = None,
) -> Path:
    """A real workbook: cells keep their Python type (an int is a number cell, a bool a
    boolean cell); ``None`` and ``""`` leave the cell empty."""
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Agents"
    for rangee in grille(lignes, entetes, colonnes):
        feuille.append([None if c == "" else c for c in rangee])
    classeur.save(chemin)
    return chemin


def lire_xlsx(chemin: Path) -> list[dict[str, Any]]:
    """The first sheet of a workbook as dicts keyed by its header row."""
    from openpyxl import load_workbook

    classeur = load_workbook(chemin, read_only=True)
    try:
        rangees = list(classeur.worksheets[0].iter_rows(values_only=True))
    finally:
        classeur.close()
    entetes = [str(e) for e in rangees[0]]
    # A read-only sheet leaves out the empty cells that end a row.
    return [
        dict(zip(entetes, [*r, *[None] * (len(entetes) - len(r))], strict=True))
        for r in rangees[1:]
    ]


def ecrire_json(chemin: Path, lignes: Sequence[Mapping[str, Any]]) -> Path:
    chemin.write_text(json.dumps(list(lignes), ensure_ascii=False, indent=2), encoding="utf-8")
    return chemin


def texte_ndjson(lignes: Sequence[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(dict(ligne), ensure_ascii=False) + "\n" for ligne in lignes)


def ecrire_ndjson(chemin: Path, lignes: Sequence[Mapping[str, Any]]) -> Path:
    chemin.write_text(texte_ndjson(lignes), encoding="utf-8")
    return chemin


# --- reading what cpfadmin writes --------------------------------------------------------------
def lire_csv(octets: bytes, separateur: str = ";") -> list[dict[str, str]]:
    """A CSV that cpfadmin wrote (report, export), BOM or not."""
    texte = octets.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(texte, newline=""), delimiter=separateur))


# --- the store ---------------------------------------------------------------------------------
def comptes_en_base(url: str, siret: str) -> list[dict[str, Any]]:
    """Every account of the organisme with the fields an import sets, read behind cpfadmin's
    back (phones as stored: E.164)."""
    sql = (
        "SELECT c.identifiant, c.nom, c.prenom, c.email, c.telephone_fixe, c.telephone_mobile, "
        "u.libelle, c.niveau_habilitation, c.role, c.statut, c.id FROM compte c "
        "JOIN organisme o ON o.id = c.organisme_id LEFT JOIN unite u ON u.id = c.unite_id "
        "WHERE o.siret = :siret ORDER BY c.id"
    )
    cles = (
        "identifiant", "nom", "prenom", "email", "telephone_fixe", "telephone_mobile",
        "unite", "niveau_habilitation", "role", "statut", "id",
    )  # fmt: skip
    return [dict(zip(cles, r, strict=True)) for r in lignes_sql(url, sql, siret=siret)]


def unites_en_base(url: str, siret: str) -> list[str]:
    sql = (
        "SELECT u.libelle FROM unite u JOIN organisme o ON o.id = u.organisme_id "
        "WHERE o.siret = :siret ORDER BY u.libelle"
    )
    return [r[0] for r in lignes_sql(url, sql, siret=siret)]
