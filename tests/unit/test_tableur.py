"""The columns of a bulk import and of an export (SPEC §6), and how a spreadsheet's headers and
cells are read: headers whatever their case, accents, spaces, underscores or hyphens; the
délégué column as oui/non, 1/0, x or empty; numbers typed in XLSX cells as text."""

from __future__ import annotations

import pytest

from cpfadmin.domain import tableur
from cpfadmin.domain.errors import DonneeInvalide


# --- columns -----------------------------------------------------------------------------------
def test_an_import_has_the_eight_columns_of_the_spec_three_of_them_required():
    assert tableur.COLONNES_IMPORT == (
        "nom",
        "prenom",
        "email",
        "telephone_fixe",
        "telephone_mobile",
        "unite",
        "niveau_habilitation",
        "administrateur_delegue",
    )
    assert tableur.OBLIGATOIRES == ("nom", "prenom", "email")


def test_an_export_is_identifiant_then_the_import_columns_then_role_and_statut():
    attendues = ("identifiant", *tableur.COLONNES_IMPORT, "role", "statut")
    assert attendues == tableur.COLONNES_EXPORT
    assert set(tableur.COLONNES_EXPORT_SEULEMENT) == {"identifiant", "role", "statut"}


# --- headers -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "entete, colonne",
    [
        ("nom", "nom"),
        ("NOM", "nom"),
        ("Nom de famille", "nom"),
        ("Prénom", "prenom"),
        ("PRENOM", "prenom"),
        ("prénom ", "prenom"),
        ("  PRÉNOM", "prenom"),
        ("E-mail", "email"),
        ("e-mail", "email"),
        ("EMAIL", "email"),
        ("Courriel", "email"),
        ("Adresse e-mail", "email"),
        ("Mail", "email"),
        ("Téléphone mobile", "telephone_mobile"),
        ("telephone_mobile", "telephone_mobile"),
        ("Telephone-Mobile", "telephone_mobile"),
        ("TÉLÉPHONE MOBILE", "telephone_mobile"),
        ("Portable", "telephone_mobile"),
        ("Tél. mobile", "telephone_mobile"),
        ("Téléphone fixe", "telephone_fixe"),
        ("telephone_fixe", "telephone_fixe"),
        ("Téléphone", "telephone_fixe"),
        ("Unité", "unite"),
        ("UNITE", "unite"),
        ("Service", "unite"),
        ("Niveau d'habilitation", "niveau_habilitation"),
        ("niveau_habilitation", "niveau_habilitation"),
        ("Niveau", "niveau_habilitation"),
        ("Administrateur délégué", "administrateur_delegue"),
        ("administrateur_delegue", "administrateur_delegue"),
        ("ADMINISTRATEUR-DELEGUE", "administrateur_delegue"),
        ("Délégué", "administrateur_delegue"),
        ("Identifiant", "identifiant"),
        ("Rôle", "role"),
        ("Statut", "statut"),
    ],
)
def test_a_header_names_its_column_whatever_its_case_accents_spaces_and_hyphens(entete, colonne):
    assert tableur.colonne_de(entete) == colonne


@pytest.mark.parametrize("entete", ["Matricule", "Date d'entrée", "", "   ", "Commentaire"])
def test_a_header_that_names_no_column_is_unknown(entete):
    assert tableur.colonne_de(entete) is None


def test_header_forms_of_one_column_are_equal():
    formes = {
        tableur.forme_entete(e)
        for e in ("Téléphone mobile", "TELEPHONE_MOBILE", "telephone-mobile", " téléphone mobile ")
    }
    assert formes == {"telephonemobile"}


# --- the délégué cell --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cellule",
    ["oui", "OUI", " Oui ", "o", "1", "x", "X", "vrai", "true", "yes", "y", True, 1, 1.0],
)
def test_a_delegue_cell_that_says_yes_makes_a_delegated_admin(cellule):
    assert tableur.delegue(cellule) is True


@pytest.mark.parametrize(
    "cellule", ["non", "NON", "n", "0", "", "  ", "faux", "false", "no", None, False, 0, 0.0]
)
def test_a_delegue_cell_that_says_no_or_is_empty_makes_a_gestionnaire(cellule):
    assert tableur.delegue(cellule) is False


@pytest.mark.parametrize("cellule", ["peut-être", "2", 2, -1, 0.5, "oui non", "ja"])
def test_any_other_delegue_cell_is_invalid_naming_the_column_and_what_is_expected(cellule):
    with pytest.raises(DonneeInvalide) as erreur:
        tableur.delegue(cellule)
    assert erreur.value.champ == "administrateur_delegue"
    assert "oui/non" in erreur.value.message


def test_an_invalid_delegue_message_quotes_at_most_twenty_characters_of_the_cell():
    with pytest.raises(DonneeInvalide) as erreur:
        tableur.delegue("z" * 500)
    assert "z" * 21 not in erreur.value.message


# --- cells as text -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cellule, texte",
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("  Durand ", "Durand"),
        (612345678, "612345678"),  # a phone typed as a number: its leading 0 is lost
        (612345678.0, "612345678"),  # …and as a float, without ".0"
        (0.5, "0.5"),
        (True, "oui"),
        (False, "non"),
        ("'=1+1", "=1+1"),  # the apostrophe a spreadsheet (or our export) puts before =
        ("'+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("'-", "-"),
        ("'@x", "@x"),
        ("'Durand", "'Durand"),  # an apostrophe before anything else is the cell's own
        ("'", "'"),
    ],
)
def test_a_cell_is_read_as_text_the_way_a_person_typed_it(cellule, texte):
    assert tableur.texte_de_cellule(cellule) == texte
