"""Reading and writing the files administrators really have (SPEC §6): CSV as Excel writes it in
France, XLSX, JSON arrays and NDJSON. Every row carries the line number a person sees in the
spreadsheet (the header is line 1); a file that cannot be read is one clear ``DonneeInvalide``,
never a traceback; what cpfadmin writes reads back unchanged and never runs as a formula."""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

import pytest

from cpfadmin.adapters import fichiers
from cpfadmin.adapters.fichiers import Ligne, ouvrir
from cpfadmin.cli.redaction import message
from cpfadmin.domain import tableur
from cpfadmin.domain.errors import DonneeInvalide
from tests.support.tableurs import (
    ENTETES_FRANCAIS,
    agent,
    ecrire_csv,
    ecrire_json,
    ecrire_ndjson,
    ecrire_xlsx,
    lire_csv,
    lire_xlsx,
    octets_csv,
)

ACCENTS = {"nom": "Lefèvre", "prenom": "Hélène"}


def illisible(chemin: Path, **options) -> str:
    """Opening and reading the file is one ``DonneeInvalide`` about the file."""
    with pytest.raises(DonneeInvalide) as erreur:
        list(ouvrir(chemin, **options).lignes())
    assert erreur.value.champ in ("fichier", "format"), erreur.value.champ
    return erreur.value.message


# --- CSV: encodings ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encodage, detecte, libelle",
    [
        ("utf-8", "utf-8", "UTF-8"),
        ("utf-8-sig", "utf-8-sig", "UTF-8 avec BOM"),
        ("cp1252", "cp1252", "Windows-1252"),
    ],
)
def test_a_csv_is_read_in_utf8_utf8_with_bom_or_windows_1252_with_accents_intact(
    tmp_path, encodage, detecte, libelle
):
    lignes = [agent(0, **ACCENTS), agent(1, prenom="Zoé", nom="Œuvray-Müller")]
    chemin = ecrire_csv(
        tmp_path / "agents.csv", lignes, entetes=ENTETES_FRANCAIS, encodage=encodage
    )

    source = ouvrir(chemin)

    assert fichiers.detecter_encodage(chemin) == detecte
    assert libelle in source.description
    assert source.entetes[:2] == ["Nom", "Prénom"]  # no BOM glued to the first header
    lues = list(source.lignes())
    assert [(ligne.valeurs["Nom"], ligne.valeurs["Prénom"]) for ligne in lues] == [
        ("Lefèvre", "Hélène"),
        ("Œuvray-Müller", "Zoé"),
    ]


def test_encoding_is_decided_on_the_whole_file_not_its_first_chunk(tmp_path):
    """A Windows-1252 file whose only accent comes after the first 64 KiB is Windows-1252."""
    debut = "nom;prenom;email\r\n" + "Durand;Paul;paul@exemple.fr\r\n" * 3000
    assert len(debut) > 1 << 16
    chemin = tmp_path / "long.csv"
    chemin.write_bytes((debut + "Lefèvre;Hélène;helene@exemple.fr\r\n").encode("cp1252"))

    assert fichiers.detecter_encodage(chemin) == "cp1252"
    assert list(ouvrir(chemin).lignes())[-1].valeurs["nom"] == "Lefèvre"


def test_a_utf8_character_split_across_two_read_chunks_is_still_utf8(tmp_path):
    debut = ("nom;prenom;email\r\n" + "Durand;Paul;paul@exemple.fr\r\n" * 2250).encode()
    bourrage = b"x" * ((1 << 16) - len(debut) - 1)
    chemin = tmp_path / "frontiere.csv"
    chemin.write_bytes(debut + bourrage + "é;Zoé;zoe@exemple.fr\r\n".encode())
    assert chemin.read_bytes()[(1 << 16) - 1 : (1 << 16) + 1] == "é".encode()

    assert fichiers.detecter_encodage(chemin) == "utf-8"
    assert list(ouvrir(chemin).lignes())[-1].valeurs["prenom"] == "Zoé"


@pytest.mark.parametrize("ou", ["entete", "ligne"])
def test_bytes_that_are_neither_utf8_nor_windows_1252_are_a_clear_error(tmp_path, ou):
    """0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing in Windows-1252 (a Latin-1 or binary
    file): one clear message about the file, not an unexpected UnicodeDecodeError."""
    entete, ligne = "nom;prenom;email\r\n", "Dupont;Zoé;zoe@exemple.fr\r\n"
    contenu = (
        entete.encode("cp1252").replace(b"prenom", b"pr\x81nom") + ligne.encode("cp1252")
        if ou == "entete"
        else entete.encode("cp1252") + ligne.encode("cp1252").replace(b"Dupont", b"Du\x81pont")
    )
    chemin = tmp_path / "latin.csv"
    chemin.write_bytes(contenu)

    message = illisible(chemin)
    assert "latin.csv" in message or "encodage" in message.lower()


# --- CSV: separators, line ends, numbering -----------------------------------------------------
@pytest.mark.parametrize("separateur", [";", ",", "\t"])
def test_the_separator_is_sniffed_from_the_header(tmp_path, separateur):
    chemin = ecrire_csv(
        tmp_path / "agents.csv",
        [agent(0, nom="Durand, dit « Paulo »; le Grand")],
        separateur=separateur,
    )
    source = ouvrir(chemin)
    assert source.separateur == separateur
    assert next(source.lignes()).valeurs["nom"] == "Durand, dit « Paulo »; le Grand"


@pytest.mark.parametrize("fin", ["\r\n", "\n", "\r"])
def test_crlf_lf_and_cr_line_ends_give_the_same_rows(tmp_path, fin):
    chemin = ecrire_csv(tmp_path / "agents.csv", [agent(0), agent(1)], fin=fin)
    lues = list(ouvrir(chemin).lignes())
    assert [ligne.numero for ligne in lues] == [2, 3]
    assert [ligne.valeurs["email"] for ligne in lues] == [agent(0)["email"], agent(1)["email"]]
    assert all(not v.endswith("\r") for ligne in lues for v in ligne.valeurs.values())


def test_csv_rows_carry_the_spreadsheet_line_number_and_blank_rows_are_skipped(tmp_path):
    chemin = tmp_path / "agents.csv"
    chemin.write_text(
        "nom;prenom;email\r\n"
        "Durand;Paul;paul@exemple.fr\r\n"
        "\r\n"
        ";;\r\n"
        "Martin;Léa;lea@exemple.fr\r\n",
        encoding="utf-8",
    )
    assert [(ligne.numero, ligne.valeurs["nom"]) for ligne in ouvrir(chemin).lignes()] == [
        (2, "Durand"),
        (5, "Martin"),
    ]


def test_a_cell_with_a_line_break_is_one_spreadsheet_row(tmp_path):
    chemin = tmp_path / "agents.csv"
    chemin.write_text(
        'nom;prenom;email\r\n"Durand\r\nDupont";Paul;paul@exemple.fr\r\nMartin;Léa;lea@exemple.fr\r\n',
        encoding="utf-8",
    )
    assert [ligne.numero for ligne in ouvrir(chemin).lignes()] == [2, 3]


def test_headers_are_trimmed_and_short_rows_have_their_missing_cells_absent(tmp_path):
    chemin = tmp_path / "agents.csv"
    chemin.write_text(" nom ;prénom ;email\r\nDurand;Paul\r\n", encoding="utf-8")
    source = ouvrir(chemin)
    assert source.entetes == ["nom", "prénom", "email"]
    assert list(source.lignes()) == [Ligne(2, {"nom": "Durand", "prénom": "Paul"})]


def test_a_source_can_be_read_twice(tmp_path):
    chemin = ecrire_csv(tmp_path / "agents.csv", [agent(n) for n in range(5)])
    source = ouvrir(chemin)
    assert list(source.lignes()) == list(source.lignes())


@pytest.mark.parametrize("contenu", [b"", b"\r\n", codecs.BOM_UTF8, b";;;\r\n"])
def test_an_empty_csv_or_one_without_header_is_refused(tmp_path, contenu):
    chemin = tmp_path / "vide.csv"
    chemin.write_bytes(contenu)
    assert "vide.csv" in illisible(chemin)


def test_a_cell_beyond_the_csv_field_limit_is_a_clear_error_not_a_traceback(tmp_path):
    chemin = ecrire_csv(tmp_path / "enorme.csv", [agent(0, nom="x" * 50_000)])
    assert "ligne" in illisible(chemin)


# --- XLSX --------------------------------------------------------------------------------------
def test_an_xlsx_is_read_with_its_cells_typed_and_the_spreadsheet_line_numbers(tmp_path):
    chemin = ecrire_xlsx(
        tmp_path / "agents.xlsx",
        [
            agent(0, **ACCENTS, telephone_mobile=612345678, administrateur_delegue=True),
            {},  # an empty row: skipped, but counted
            agent(1, administrateur_delegue=False, telephone_mobile="06 11 22 33 44"),
        ],
        entetes=ENTETES_FRANCAIS,
    )
    source = ouvrir(chemin)
    assert source.format == "xlsx"
    assert source.entetes[:3] == ["Nom", "Prénom", "E-mail"]
    lues = list(source.lignes())
    assert [ligne.numero for ligne in lues] == [2, 4]
    premiere = lues[0].valeurs
    assert premiere["Nom"] == "Lefèvre"
    assert premiere["Téléphone mobile"] == 612345678  # a number cell stays a number
    assert premiere["Administrateur délégué"] is True
    assert tableur.texte_de_cellule(premiere["Téléphone mobile"]) == "612345678"
    assert lues[1].valeurs["Administrateur délégué"] is False


@pytest.mark.parametrize(
    "contenu",
    [b"PK\x03\x04 ceci n'est pas un classeur", b""],
    ids=["zip-tronque", "vide"],
)
def test_an_unreadable_xlsx_is_a_clear_error(tmp_path, contenu):
    chemin = tmp_path / "agents.xlsx"
    chemin.write_bytes(contenu)
    assert "agents.xlsx" in illisible(chemin)


def test_a_truncated_xlsx_is_a_clear_error(tmp_path):
    complet = ecrire_xlsx(tmp_path / "complet.xlsx", [agent(n) for n in range(50)])
    chemin = tmp_path / "tronque.xlsx"
    chemin.write_bytes(complet.read_bytes()[: complet.stat().st_size // 2])
    assert "tronque.xlsx" in illisible(chemin)


def test_an_xlsx_without_a_header_row_is_refused(tmp_path):
    from openpyxl import Workbook

    chemin = tmp_path / "vide.xlsx"
    Workbook().save(chemin)
    assert "vide.xlsx" in illisible(chemin)


# --- JSON and NDJSON ---------------------------------------------------------------------------
def test_a_json_array_gives_its_keys_as_headers_and_its_element_numbers(tmp_path):
    chemin = ecrire_json(
        tmp_path / "agents.json",
        [
            {"Nom": "Lefèvre", "Prénom": "Hélène", "E-mail": "h@exemple.fr"},
            {"Nom": "Durand", "Prénom": "Paul", "E-mail": "p@exemple.fr", "Délégué": True},
        ],
    )
    source = ouvrir(chemin)
    assert (source.format, source.entetes) == ("json", ["Nom", "Prénom", "E-mail", "Délégué"])
    lues = list(source.lignes())
    assert [ligne.numero for ligne in lues] == [1, 2]
    assert lues[1].valeurs["Délégué"] is True


@pytest.mark.parametrize(
    "contenu, attendu",
    [
        ('{"nom": "Durand"}', "tableau"),
        ('[{"nom": "Durand"}, "Martin"]', "élément 2"),
        ('[{"nom": "Durand"},\n {"nom": ', "ligne 2"),
        ("", "JSON invalide"),
    ],
)
def test_a_json_that_is_not_an_array_of_objects_is_refused_saying_where(tmp_path, contenu, attendu):
    chemin = tmp_path / "agents.json"
    chemin.write_text(contenu, encoding="utf-8")
    assert attendu in illisible(chemin)


def test_a_json_not_in_utf8_is_refused(tmp_path):
    chemin = tmp_path / "agents.json"
    chemin.write_bytes('[{"nom": "Lefèvre"}]'.encode("cp1252"))
    assert "UTF-8" in illisible(chemin)


def test_ndjson_rows_carry_their_physical_line_and_blank_lines_are_skipped(tmp_path):
    chemin = tmp_path / "agents.ndjson"
    chemin.write_text(
        '{"nom": "Lefèvre", "prenom": "Hélène"}\n\n{"nom": "Durand", "email": "p@ex.fr"}\n',
        encoding="utf-8",
    )
    source = ouvrir(chemin)
    assert source.entetes == ["nom", "prenom", "email"]
    assert [(ligne.numero, ligne.valeurs["nom"]) for ligne in source.lignes()] == [
        (1, "Lefèvre"),
        (3, "Durand"),
    ]


@pytest.mark.parametrize(
    "contenu, attendu",
    [('{"nom": "A"}\n{"nom": \n', "ligne 2"), ('{"nom": "A"}\n[1, 2]\n', "ligne 2")],
)
def test_a_bad_ndjson_line_is_refused_naming_it(tmp_path, contenu, attendu):
    chemin = tmp_path / "agents.ndjson"
    chemin.write_text(contenu, encoding="utf-8")
    assert attendu in illisible(chemin)


# --- choosing the reader -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "nom, format_",
    [
        ("a.csv", "csv"),
        ("a.CSV", "csv"),
        ("a.txt", "csv"),
        ("a.json", "json"),
        ("a.ndjson", "ndjson"),
        ("a.jsonl", "ndjson"),
    ],
)
def test_the_format_follows_the_extension(tmp_path, nom, format_):
    chemin = tmp_path / nom
    chemin.write_bytes(b"[]")
    assert fichiers.deviner_format(chemin, nom) == format_


@pytest.mark.parametrize(
    "contenu, format_",
    [
        (b"PK\x03\x04...", "xlsx"),
        (b'  [{"nom": "A"}]', "json"),
        (codecs.BOM_UTF8 + b'[{"nom": "A"}]', "json"),
        (b'{"nom": "A"}\n', "ndjson"),
        (b"nom;prenom;email\r\n", "csv"),
    ],
)
def test_without_a_known_extension_the_format_is_sniffed_from_the_content(
    tmp_path, contenu, format_
):
    """Standard input has no name: its content decides."""
    chemin = tmp_path / "sans-extension"
    chemin.write_bytes(contenu)
    assert fichiers.deviner_format(chemin, "entrée standard") == format_


def test_a_forced_format_wins_over_a_wrong_extension(tmp_path):
    chemin = ecrire_ndjson(tmp_path / "agents.csv", [agent(0)])
    assert ouvrir(chemin, format_="ndjson").format == "ndjson"
    assert next(ouvrir(chemin, format_="ndjson").lignes()).valeurs == agent(0)


def test_missing_file_directory_and_unknown_format_are_clear_errors(tmp_path):
    assert "introuvable" in illisible(tmp_path / "absent.csv")
    assert "dossier" in illisible(tmp_path)
    chemin = ecrire_csv(tmp_path / "agents.csv", [agent(0)])
    assert "Format inconnu" in illisible(chemin, format_="pdf")


# --- writing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("prefixe", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_a_spreadsheet_would_run_gets_an_apostrophe(prefixe):
    assert fichiers.neutraliser(prefixe + "HYPERLINK(1)") == "'" + prefixe + "HYPERLINK(1)"


@pytest.mark.parametrize("cellule", ["Durand", "06 12 34 56 78", "", None, 3, True, "a=b"])
def test_other_cells_are_written_as_they_are(cellule):
    assert fichiers.neutraliser(cellule) == cellule


LIGNES_PIEGEES = [
    {"a": '=HYPERLINK("http://x")', "b": "Lefèvre", "c": None},
    {"a": "+33612345678", "b": "-1", "c": "@SUM(A1)"},
]


def test_csv_is_written_for_excel_in_france_semicolons_bom_crlf_and_no_formula(tmp_path):
    chemin = tmp_path / "sortie.csv"
    assert fichiers.ecrire(chemin, "csv", ["a", "b", "c"], iter(LIGNES_PIEGEES)) == 2
    octets = chemin.read_bytes()
    assert octets.startswith(codecs.BOM_UTF8)
    assert octets.count(b"\r\n") == 3
    lues = lire_csv(octets)
    assert lues == [
        {"a": '\'=HYPERLINK("http://x")', "b": "Lefèvre", "c": ""},
        {"a": "'+33612345678", "b": "'-1", "c": "'@SUM(A1)"},
    ]
    # …and reading it back removes the apostrophes again.
    relues = list(ouvrir(chemin).lignes())
    assert [tableur.texte_de_cellule(r.valeurs["a"]) for r in relues] == [
        '=HYPERLINK("http://x")',
        "+33612345678",
    ]


def test_json_and_ndjson_are_written_as_valid_utf8_json(tmp_path):
    chemin = tmp_path / "sortie.json"
    assert fichiers.ecrire(chemin, "json", ["a", "b"], iter(LIGNES_PIEGEES)) == 2
    assert json.loads(chemin.read_text(encoding="utf-8")) == [
        {"a": '=HYPERLINK("http://x")', "b": "Lefèvre"},
        {"a": "+33612345678", "b": "-1"},
    ]
    assert "Lefèvre" in chemin.read_text(encoding="utf-8")  # not \u00e8
    vide = tmp_path / "vide.json"
    assert fichiers.ecrire(vide, "json", ["a"], iter([])) == 0
    assert json.loads(vide.read_text()) == []

    chemin = tmp_path / "sortie.ndjson"
    assert fichiers.ecrire(chemin, "ndjson", ["a", "b", "c"], iter(LIGNES_PIEGEES)) == 2
    assert [json.loads(t) for t in chemin.read_text(encoding="utf-8").splitlines()] == [
        {k: v for k, v in ligne.items()} for ligne in LIGNES_PIEGEES
    ]


def test_xlsx_is_written_as_a_real_workbook_whose_formula_like_cells_stay_text(tmp_path):
    chemin = tmp_path / "sortie.xlsx"
    assert fichiers.ecrire(chemin, "xlsx", ["a", "b", "c"], iter(LIGNES_PIEGEES)) == 2
    assert zipfile.is_zipfile(chemin)
    from openpyxl import load_workbook

    feuille = load_workbook(chemin).worksheets[0]
    assert all(cellule.data_type != "f" for rangee in feuille.iter_rows() for cellule in rangee)
    assert lire_xlsx(chemin) == [
        {"a": '\'=HYPERLINK("http://x")', "b": "Lefèvre", "c": None},
        {"a": "'+33612345678", "b": "'-1", "c": "'@SUM(A1)"},
    ]


def test_xlsx_cannot_go_to_standard_output():
    with pytest.raises(DonneeInvalide) as erreur:
        fichiers.ecrire(None, "xlsx", ["a"], iter([]))
    assert "--fichier" in message(erreur.value)


def test_a_written_csv_reads_back_as_the_same_rows(tmp_path):
    lignes = [agent(n, **ACCENTS) for n in range(3)]
    colonnes = list(lignes[0])
    chemin = tmp_path / "aller-retour.csv"
    fichiers.ecrire(chemin, "csv", colonnes, iter(lignes))
    relues = [
        {k: tableur.texte_de_cellule(v) or "" for k, v in r.valeurs.items()}
        for r in ouvrir(chemin).lignes()
    ]
    assert relues == lignes
    assert octets_csv(lignes, encodage="utf-8-sig") == chemin.read_bytes()
