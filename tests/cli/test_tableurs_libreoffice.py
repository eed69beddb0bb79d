"""Issue 12: the workbooks and CSV files LibreOffice Calc 7.4 writes (the suite most French
public employers use), made from one source sheet by ``tests/fixtures/tableurs/fabriquer.py``:
each imports exactly its valid rows and names each invalid line; a protected one is refused
in words that say what to do, writing nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.console import courriels, empreinte, erreur_en_une_ligne
from tests.support.employeur import par_ligne

DOSSIER = Path(__file__).parent.parent / "fixtures" / "tableurs"
ATTENDU = json.loads((DOSSIER / "attendu.json").read_text(encoding="utf-8"))["fichiers"]
LISIBLES = sorted(nom for nom, f in ATTENDU.items() if not f.get("chiffre"))
PROTEGES = sorted(nom for nom, f in ATTENDU.items() if f.get("chiffre"))


def _copie(employeur, nom: str) -> Path:  # type: ignore[no-untyped-def]
    return Path(shutil.copy(DOSSIER / nom, employeur.fichier(nom)))


@pytest.mark.parametrize("nom", LISIBLES)
def test_a_libreoffice_file_imports_exactly_its_valid_rows_and_names_each_invalid_line(
    employeur, nom
):
    attendu = ATTENDU[nom]
    r, rapport = employeur.importer_json(_copie(employeur, nom), "--create-unites")
    assert r.exit_code == 7, r.stderr  # two rows are invalid
    assert json.loads(r.stderr)["erreur"]["code"] == 7  # stderr stays pure JSON
    lignes = par_ligne(rapport)
    creees = {n: e["email"] for n, e in lignes.items() if e["resultat"] == "cree"}
    assert creees == {v["ligne"]: v["email"] for v in attendu["valides"]}
    rejetees = {n: e["colonne"] for n, e in lignes.items() if e["resultat"] == "rejete"}
    assert rejetees == {i["ligne"]: i["champ"] for i in attendu["invalides"]}
    assert rapport["ligne_entete"] == attendu["ligne_entete"]
    if "feuille" in attendu:
        assert rapport["feuille"] == attendu["feuille"]
    assert set(employeur.importes()) == {v["email"] for v in attendu["valides"]}


@pytest.mark.parametrize("nom", ["agents.ods", "agents.xls", "agents-strict.xlsx"])
def test_a_workbook_piped_on_standard_input_is_read_by_its_content(employeur, nom):
    attendu = ATTENDU[nom]
    r, rapport = employeur.importer_json(
        "-", "--dry-run", "--create-unites", input=(DOSSIER / nom).read_bytes()
    )
    assert rapport["resume"]["a_creer"] == len(attendu["valides"]), r.stderr


def test_every_column_of_the_administrations_header_is_read(employeur):
    """« Téléphone portable », « Délégué (O/N) », « Direction », « Habilitation »: nothing
    dropped, so the mobiles, the délégués, the unités and the niveaux are there."""
    employeur.importer_json(_copie(employeur, "agents.ods"), "--create-unites")
    agents = {a["email"]: a for a in json.loads((DOSSIER / "attendu.json").read_text())["agents"]}
    comptes = employeur.importes()
    assert comptes, "nothing imported"
    for email, compte in comptes.items():
        source = agents[email]
        assert (compte["role"] == "administrateur_delegue") == (
            source["administrateur_delegue"] == "O"
        ), email
        assert compte["unite"] == (source["unite"] or None), email
        assert compte["niveau_habilitation"] == (source["niveau_habilitation"] or None), email
        assert (compte["telephone_mobile"] is not None) == bool(source["telephone_mobile"]), email


@pytest.mark.parametrize("nom", PROTEGES)
def test_a_password_protected_workbook_is_refused_saying_what_to_do(employeur, nom):
    avant, eml = empreinte(employeur.url), len(courriels())
    r = employeur.importer(_copie(employeur, nom), "--create-unites")
    assert r.exit_code == 7
    assert erreur_en_une_ligne(r).endswith(
        "classeur protégé par mot de passe : enregistrez-le sans mot de passe, puis relancez."
    )
    assert empreinte(employeur.url) == avant and len(courriels()) == eml


def test_title_rows_are_named_in_the_summary(employeur):
    r = employeur.importer(_copie(employeur, "agents-titre.ods"), "--dry-run", "--create-unites")
    assert "En-tête lu ligne 4 ; ligne(s) de titre ignorée(s) : 1, 2" in r.stderr
    assert "ODS, feuille « Agents »" in r.stderr
