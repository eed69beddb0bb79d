"""Issue 12: spreadsheets as French employers really have them. Headers as administrations
write them (one synonym table), the table found below title rows or on a later sheet, and no
column ever dropped in silence; export in the form Excel opens in France."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpfadmin.domain import tableur
from tests.support.console import courriels, empreinte, erreur_en_une_ligne
from tests.support.employeur import par_ligne
from tests.support.tableurs import agent, ecrire_csv, sans_accents

# The spellings the issue names, as a person types them.
ADMINISTRATIFS = {
    "nom": "Nom d'usage",
    "prenom": "Prénom(s)",
    "email": "Mél.",
    "telephone_fixe": "Téléphone professionnel",
    "telephone_mobile": "Téléphone portable",
    "unite": "Direction",
    "niveau_habilitation": "Habilitation",
    "administrateur_delegue": "Délégué (O/N)",
}


def _classeur(chemin: Path, feuilles: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    classeur = Workbook()
    classeur.remove(classeur.active)
    for nom, rangees in feuilles.items():
        feuille = classeur.create_sheet(nom)
        for rangee in rangees:
            feuille.append(rangee)
    classeur.save(chemin)
    return chemin


def _grille(lignes: list[dict[str, object]], entetes: dict[str, str]) -> list[list[object]]:
    colonnes = list(entetes)
    return [
        [entetes[c] for c in colonnes],
        *[[ligne.get(c, "") for c in colonnes] for ligne in lignes],
    ]


# --- headers as administrations write them ---------------------------------------------------
@pytest.mark.parametrize(
    "entete, colonne",
    [
        ("Mél.", "email"),
        ("Mél", "email"),
        ("Prénom(s)", "prenom"),
        ("Prénoms", "prenom"),
        ("Adresse électronique", "email"),
        ("Courriel professionnel", "email"),
        ("N° de téléphone", "telephone_fixe"),
        ("Téléphone professionnel", "telephone_fixe"),
        ("GSM", "telephone_mobile"),
        ("N° portable", "telephone_mobile"),
        ("Téléphone portable", "telephone_mobile"),
        ("Direction", "unite"),
        ("Affectation", "unite"),
        ("Habilitation", "niveau_habilitation"),
        ("Niveau d'accès", "niveau_habilitation"),
        ("Droits", "niveau_habilitation"),
        ("Délégué (O/N)", "administrateur_delegue"),
        ("Administrateur délégué (oui/non)", "administrateur_delegue"),
        ("Nom *", "nom"),
        ("E-mail (facultatif)", "email"),
        ("No. de tél. portable", "telephone_mobile"),
    ],
)
def test_administrative_spellings_name_their_column(entete, colonne):
    assert tableur.colonne_de(entete) == colonne


ECRITURES = [(c, e) for c, es in tableur.SYNONYMES.items() for e in es]
INDICES = ["", " (facultatif)", " *", " (oui/non)", " (O/N)", " [obligatoire]"]


@st.composite
def _entetes(draw):  # type: ignore[no-untyped-def]
    """A header per column, drawn from the synonym table, in any order, case, with or without
    accents and a hint."""
    colonnes = draw(
        st.lists(st.sampled_from(tableur.COLONNES_IMPORT), min_size=1, max_size=8, unique=True)
    )
    entetes = []
    for colonne in colonnes:
        ecriture = draw(st.sampled_from(tableur.SYNONYMES[colonne]))
        if draw(st.booleans()):
            ecriture = sans_accents(ecriture)
        ecriture = draw(st.sampled_from([str.upper, str.lower, str.title, str]))(ecriture)
        entetes.append((colonne, ecriture + draw(st.sampled_from(INDICES))))
    return entetes


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_entetes())
def test_any_set_of_synonyms_maps_to_the_same_fields_in_any_order_case_accents_or_hints(entetes):
    regles = tableur.Regles()
    assert [regles.lire(e)[0] for _, e in entetes] == [c for c, _ in entetes]  # type: ignore[index]


@pytest.mark.parametrize("ecriture", [e for _, e in ECRITURES])
def test_no_spelling_of_the_table_is_shadowed_by_another_column(ecriture):
    colonne = next(c for c, e in ECRITURES if e == ecriture)
    assert tableur.colonne_de(ecriture) == colonne


def test_an_administrations_sheet_imports_every_column_including_mobiles_and_delegues(employeur):
    lignes = [
        agent(1, telephone_fixe="", administrateur_delegue="O"),  # a mobile only
        agent(2, administrateur_delegue="N"),
        agent(3, administrateur_delegue=""),
    ]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ADMINISTRATIFS)
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["resume"]["crees"] == 3
    comptes = employeur.importes()
    premier = comptes[lignes[0]["email"]]  # type: ignore[index]
    assert premier["telephone_mobile"] == "+33600000001"
    assert premier["role"] == "administrateur_delegue"
    assert comptes[lignes[1]["email"]]["role"] == "gestionnaire"  # type: ignore[index]


def test_the_usage_name_is_the_nom_and_the_birth_name_fills_in_where_it_is_empty(employeur):
    entetes = {"nom_usage": "Nom d'usage", "nom_naissance": "Nom de naissance"}
    entetes |= {"prenom": "Prénom", "email": "Mél", "telephone_mobile": "Portable"}
    lignes = [
        {**agent(1, nom=None), "nom_usage": "Martin", "nom_naissance": "Dupont"},
        {**agent(2, nom=None), "nom_usage": "", "nom_naissance": "Durand"},
    ]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=entetes)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert "lu dans « Nom d'usage », ou dans « Nom de naissance » quand la première est vide" in (
        r.stderr
    )
    comptes = employeur.importes()
    assert comptes[lignes[0]["email"]]["nom"] == "Martin"  # type: ignore[index]
    assert comptes[lignes[1]["email"]]["nom"] == "Durand"  # type: ignore[index]


# --- no column lost in silence ----------------------------------------------------------------
def test_a_filled_unknown_column_names_the_closest_column_and_how_to_go_on(employeur):
    entetes = {**ADMINISTRATIFS, "telephone_mobile": "Téléphone portable 2"}
    lignes = [agent(1, telephone_fixe=""), agent(2)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=entetes)
    avant, eml = empreinte(employeur.url), len(courriels())

    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 7
    message = erreur_en_une_ligne(r)
    assert "« Téléphone portable 2 » inconnue, remplie (ligne 2)" in message
    assert "vouliez-vous dire « telephone_mobile »" in message
    assert '--colonne telephone_mobile="Téléphone portable 2"' in message
    assert '--ignorer-colonne "Téléphone portable 2"' in message
    assert empreinte(employeur.url) == avant and len(courriels()) == eml

    # mapped as the message says: every mobile number is read
    r, rapport = employeur.importer_json(
        chemin, "--create-unites", "--colonne", 'telephone_mobile="Téléphone portable 2"'
    )
    assert r.exit_code == 0, r.stderr
    assert rapport["resume"]["crees"] == 2
    assert employeur.importes()[lignes[0]["email"]]["telephone_mobile"] == "+33600000001"  # type: ignore[index]


def test_colonne_maps_a_header_the_table_does_not_know(employeur):
    entetes = {**ADMINISTRATIFS, "administrateur_delegue": "Admin O/N ?"}
    chemin = ecrire_csv(
        employeur.fichier("agents.csv"), [agent(1, administrateur_delegue="X")], entetes=entetes
    )
    r = employeur.importer(
        chemin, "--create-unites", "--colonne", "administrateur_delegue=Admin O/N ?"
    )
    assert r.exit_code == 0, r.stderr
    (compte,) = employeur.importes().values()
    assert compte["role"] == "administrateur_delegue"


@pytest.mark.parametrize(
    "option, attendu",
    [
        ("delegue=Délégué", "champ inconnu « delegue »"),
        ("Délégué (O/N)", 'la forme est CHAMP="En-tête"'),
    ],
)
def test_a_wrong_colonne_option_is_exit_7_naming_the_fields(employeur, option, attendu):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)], entetes=ADMINISTRATIFS)
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--colonne", option)
    assert r.exit_code == 7
    assert attendu in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant


def test_a_missing_required_column_says_which_header_may_be_it(employeur):
    entetes = {**ADMINISTRATIFS, "prenom": "Prénom de naissance ou usuel"}
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)], entetes=entetes)
    r = employeur.importer(chemin)
    assert r.exit_code == 7
    message = erreur_en_une_ligne(r)
    assert "Colonne(s) obligatoire(s) absente(s) : prénom" in message
    assert '--colonne prenom="Prénom de naissance ou usuel"' in message


def test_two_columns_for_the_unite_ask_to_keep_one(employeur):
    entetes = {**ADMINISTRATIFS, "service": "Service"}
    lignes = [{**agent(1), "service": "Paie"}]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=entetes)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 7
    assert "« Direction » et « Service » désignent toutes deux unité" in erreur_en_une_ligne(r)
    r = employeur.importer(chemin, "--create-unites", "--ignorer-colonne", "Direction")
    assert r.exit_code == 0, r.stderr
    (compte,) = employeur.importes().values()
    assert compte["unite"] == "Paie"


def test_reasons_name_the_column_with_its_accents(employeur):
    lignes = [agent(1, telephone_mobile="12 34", telephone_fixe=""), agent(2, prenom="")]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ADMINISTRATIFS)
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 7
    lignes_rapport = par_ligne(rapport)
    assert lignes_rapport[2]["raison"].startswith("Téléphone mobile invalide")
    assert lignes_rapport[2]["colonne"] == "telephone_mobile"  # the code stays stable
    assert lignes_rapport[3]["raison"] == "Prénom : valeur obligatoire."


# --- where the table is -----------------------------------------------------------------------
def test_title_rows_above_the_header_are_skipped_and_reported(employeur):
    grille = _grille([agent(1), agent(2, email="paul.durand@")], ADMINISTRATIFS)
    chemin = _classeur(
        employeur.fichier("agents.xlsx"),
        {"Agents": [["Liste des agents habilités"], ["Mise à jour : 02/12/2026"], [], *grille]},
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 7, r.stderr  # the bad e-mail
    assert rapport["ligne_entete"] == 4
    lignes = par_ligne(rapport)
    assert lignes[5]["resultat"] == "cree" and lignes[6]["resultat"] == "rejete"
    assert lignes[6]["colonne"] == "email"
    r = employeur.importer(chemin, "--dry-run")
    assert (
        "En-tête lu ligne 4 ; ligne(s) de titre ignorée(s) : 1, 2 (« Liste des agents habilités »)"
        in (r.stderr)
    )


def test_a_csv_with_a_title_row_is_read_from_its_header(employeur):
    texte = "Agents de la mairie;;;\r\n;;;\r\nNom;Prénom;Mél;Portable\r\n"
    texte += "Durand;Paul;paul.durand@lumiere.example;06 12 34 56 78\r\n"
    chemin = employeur.fichier("agents.csv")
    chemin.write_bytes(texte.encode("cp1252"))
    r, rapport = employeur.importer_json(chemin)
    assert r.exit_code == 0, r.stderr
    assert rapport["ligne_entete"] == 3
    assert [e["ligne"] for e in rapport["lignes"]] == [4]


def test_an_instructions_sheet_first_the_table_is_found_on_the_next_and_named(employeur):
    chemin = _classeur(
        employeur.fichier("agents.xlsx"),
        {
            "Mode d'emploi": [["Remplissez la feuille Agents"], ["Une ligne par agent"]],
            "Agents": _grille([agent(1)], ADMINISTRATIFS),
        },
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["feuille"] == "Agents"
    assert rapport["source"] == "XLSX, feuille « Agents »"
    r = employeur.importer(chemin, "--dry-run", "--create-unites")
    assert "XLSX, feuille « Agents »" in r.stderr


def test_feuille_picks_a_sheet_and_an_unknown_one_lists_them(employeur):
    chemin = _classeur(
        employeur.fichier("agents.xlsx"),
        {
            "2025": _grille([agent(1)], ADMINISTRATIFS),
            "2026": _grille([agent(2)], ADMINISTRATIFS),
        },
    )
    r, rapport = employeur.importer_json(chemin, "--feuille", "2026", "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["feuille"] == "2026"
    assert list(employeur.importes()) == [agent(2)["email"]]
    r = employeur.importer(chemin, "--feuille", "2027")
    assert r.exit_code == 7
    assert "pas de feuille « 2027 »" in erreur_en_une_ligne(r)
    assert "« 2025 », « 2026 »" in erreur_en_une_ligne(r)


def test_no_sheet_with_the_table_says_what_is_missing_and_lists_the_sheets(employeur):
    chemin = _classeur(
        employeur.fichier("agents.xlsx"),
        {"Consignes": [["Lire attentivement"]], "Liste": [["Nom", "Matricule"], ["Durand", "M1"]]},
    )
    r = employeur.importer(chemin)
    assert r.exit_code == 7
    message = erreur_en_une_ligne(r)
    assert "Colonne(s) obligatoire(s) absente(s)" in message
    assert "Autres feuilles du classeur" in message and "--feuille NOM" in message


def test_a_csv_named_xlsx_is_read_as_the_csv_it_is(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.xlsx"), [agent(1)], entetes=ADMINISTRATIFS)
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["source"].startswith("CSV")


def test_format_xls_on_a_csv_is_refused_naming_what_the_file_is(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)], entetes=ADMINISTRATIFS)
    r = employeur.importer(chemin, "--format", "xls")
    assert r.exit_code == 7
    assert "n'est pas celui d'un classeur (--format xls)" in erreur_en_une_ligne(r)


# --- export as Excel opens it in France ------------------------------------------------------
def test_export_to_a_csv_file_is_excels_form_and_stdout_is_plain_unless_asked(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)], entetes=ADMINISTRATIFS)
    assert employeur.importer(chemin, "--create-unites").exit_code == 0
    sortie = employeur.fichier("comptes.csv")
    r = employeur.console(
        "gestionnaires", "export", "--fichier", str(sortie), jeton=employeur.jeton_ap
    )
    assert r.exit_code == 0, r.stderr
    octets = sortie.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbf") and b"\r\n" in octets
    assert octets.splitlines()[0].decode("utf-8-sig").startswith("identifiant;nom;prenom")

    r = employeur.console(
        "gestionnaires", "export", "--fichier", str(sortie), "--no-excel", jeton=employeur.jeton_ap
    )
    assert r.exit_code == 6 and "existe déjà" in erreur_en_une_ligne(r)  # never overwritten
    assert sortie.read_bytes() == octets
    r = employeur.console(
        "gestionnaires", "export", "--fichier", str(sortie), "--no-excel", "--force",
        jeton=employeur.jeton_ap,
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    octets = sortie.read_bytes()
    assert not octets.startswith(b"\xef\xbb\xbf") and b"\r" not in octets

    r = employeur.console("gestionnaires", "export", jeton=employeur.jeton_ap)
    assert not r.stdout_bytes.startswith(b"\xef\xbb\xbf") and b"\r" not in r.stdout_bytes
    r = employeur.console("gestionnaires", "export", "--excel", jeton=employeur.jeton_ap)
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.stdout_bytes


@pytest.mark.parametrize("extension", [".ods", ".xls"])
def test_export_to_ods_or_xls_is_refused_pointing_to_xlsx(employeur, extension):
    sortie = employeur.fichier(f"comptes{extension}")
    r = employeur.console(
        "gestionnaires", "export", "--fichier", str(sortie), jeton=employeur.jeton_ap
    )
    assert r.exit_code == 7
    assert "exportez en XLSX" in erreur_en_une_ligne(r)
    assert not sortie.exists()


def test_headers_alphabet_is_not_a_column(employeur):
    """A header made of punctuation only names nothing and does not stop a file whose cells
    under it are empty."""
    entetes = {**ADMINISTRATIFS, "x": string.punctuation[:5]}
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [{**agent(1), "x": ""}], entetes=entetes)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr


# --- issue 13, point 11: --fichier and --report never overwrite nor follow a link -------------
def test_export_and_report_refuse_an_existing_file_or_a_link_unless_force(employeur, tmp_path):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)], entetes=ADMINISTRATIFS)
    precieux = tmp_path / "precieux.txt"
    precieux.write_text("à garder")
    lien = employeur.fichier("rapport.csv")
    lien.symlink_to(precieux)
    avant, eml = empreinte(employeur.url), len(courriels())

    r = employeur.importer(chemin, "--create-unites", "--report", str(lien))
    assert r.exit_code == 6 and "lien symbolique" in erreur_en_une_ligne(r)
    r = employeur.importer(chemin, "--create-unites", "--report", str(lien), "--force")
    assert r.exit_code == 6  # not even with --force
    existant = employeur.fichier("existant.csv")
    existant.write_text("à garder")
    r = employeur.importer(chemin, "--create-unites", "--report", str(existant))
    assert r.exit_code == 6 and "existe déjà" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant and len(courriels()) == eml  # nothing imported
    assert precieux.read_text() == "à garder" and existant.read_text() == "à garder"

    r = employeur.importer(chemin, "--create-unites", "--report", str(existant), "--force")
    assert r.exit_code == 0, r.stderr
    assert "identifiant" in existant.read_text(encoding="utf-8-sig")
    r = employeur.console(
        "gestionnaires", "export", "--fichier", str(lien), "--force", jeton=employeur.jeton_ap
    )
    assert r.exit_code == 6 and precieux.read_text() == "à garder"
    assert lien.is_symlink()
