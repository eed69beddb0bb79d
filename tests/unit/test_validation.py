"""What people type (SPEC §1, §7): SIRET, e-mail, French phone numbers, human texts. Every
rejection is a ``DonneeInvalide`` naming its field, with a French message."""

from __future__ import annotations

import re

import pytest

from cpfadmin.domain import validation
from cpfadmin.domain.errors import DonneeInvalide

SIRET_VALIDE = "18002002600019"


def rejete(fonction, *args, champ):
    with pytest.raises(DonneeInvalide) as info:
        fonction(*args)
    erreur = info.value
    assert erreur.champ == champ
    assert erreur.message and erreur.message == str(erreur)
    return erreur


# --- SIRET -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "saisie", [SIRET_VALIDE, "180 020 026 00019", "  18002002600019 ", "180 020 026 000 19"]
)
def test_valid_siret_is_accepted_with_or_without_spaces(saisie):
    assert validation.siret(saisie) == SIRET_VALIDE


@pytest.mark.parametrize(
    "saisie",
    [
        "18002002600018",  # checksum off by one
        "18002002600091",  # two digits swapped
        "1800200260001A",  # a letter
        "A8002002600019",
        "1800200260001",  # 13 digits
        "180020026000190",  # 15 digits
        "",
        None,
        "1800200260001\x00",
        "18002002600019' OR '1'='1",
    ],
)
def test_invalid_siret_is_rejected_naming_the_siret_field(saisie):
    erreur = rejete(validation.siret, saisie, champ="siret")
    assert "siret" in erreur.message.lower()


def test_siret_message_says_what_is_expected_in_french():
    erreur = rejete(validation.siret, "18002002600018", champ="siret")
    assert "14 chiffres" in erreur.message and "clé de contrôle" in erreur.message


# --- e-mail ------------------------------------------------------------------------------------
def test_email_is_trimmed_and_its_domain_lower_cased():
    assert validation.email("  Jean.Dupont@Example.FR ") == "Jean.Dupont@example.fr"


def test_email_key_is_case_insensitive():
    assert validation.cle_email("Jean.Dupont@example.fr") == validation.cle_email(
        "jean.dupont@EXAMPLE.fr".lower()
    )


def test_internationalised_email_is_accepted():
    assert validation.email("élodie@exemple.fr") == "élodie@exemple.fr"


@pytest.mark.parametrize(
    "saisie",
    [
        "pas-une-adresse",
        "jean@",
        "@example.fr",
        "jean dupont@example.fr",
        "jean@exa mple.fr",
        "jean@@example.fr",
        "jean@example",
        "jean@localhost",
        "jean.@example.fr",
        "jean@example.fr\x00",
        "jean@example.fr\nBcc: x@y.fr",
    ],
)
def test_invalid_email_is_rejected(saisie):
    rejete(validation.email, saisie, champ="email")


@pytest.mark.parametrize("saisie", ["", "   ", None])
def test_missing_email_is_rejected_as_required(saisie):
    erreur = rejete(validation.email, saisie, champ="email")
    assert "obligatoire" in erreur.message


def test_email_over_254_characters_is_rejected():
    trop_long = "jean@" + ".".join(["a" * 60, "b" * 60, "c" * 60, "d" * 60, "e" * 10, "fr"])
    assert len(trop_long) > 254
    erreur = rejete(validation.email, trop_long, champ="email")
    assert "254 caractères au plus" in erreur.message


# --- phones ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("saisie", "e164"),
    [
        ("01 40 00 00 00", "+33140000000"),
        ("0140000000", "+33140000000"),
        ("01.40.00.00.00", "+33140000000"),
        ("06 12 34 56 78", "+33612345678"),
        ("07 56 12 34 56", "+33756123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("  0612345678 ", "+33612345678"),
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion, international form
    ],
)
def test_french_phone_numbers_are_stored_in_e164(saisie, e164):
    assert validation.telephone(saisie, "telephone_mobile") == e164


@pytest.mark.parametrize(
    ("saisie", "e164"),
    [
        ("0692 12 34 56", "+262692123456"),  # mobile, La Réunion
        ("0262 12 34 56", "+262262123456"),  # fixed line, La Réunion
        ("0690 12 34 56", "+590690123456"),  # mobile, Guadeloupe
    ],
)
def test_overseas_numbers_written_the_french_way_are_accepted(saisie, e164):
    # Overseas departments are French numbering (SPEC §1): their inhabitants write 0692…, 0262….
    assert validation.telephone(saisie, "telephone_fixe") == e164


@pytest.mark.parametrize(
    "saisie", ["+44 20 7946 0958", "+1 202 555 0143", "+49 30 1234567", "0044 20 7946 0958"]
)
def test_foreign_number_is_rejected_as_not_french(saisie):
    erreur = rejete(validation.telephone, saisie, "telephone_fixe", champ="telephone_fixe")
    assert "numéro français" in erreur.message


@pytest.mark.parametrize(
    "saisie", ["abc", "12", "06 12 34", "01 40 00 00 00 00 00", "0612345678\x00"]
)
def test_garbage_phone_is_rejected_naming_its_field(saisie):
    erreur = rejete(validation.telephone, saisie, "telephone_mobile", champ="telephone_mobile")
    assert "invalide" in erreur.message or "interdits" in erreur.message


@pytest.mark.parametrize("saisie", [None, "", "   "])
def test_empty_phone_means_none(saisie):
    assert validation.telephone(saisie, "telephone_fixe") is None


def test_both_phones_are_normalised():
    assert validation.telephones("01 40 00 00 00", "06 12 34 56 78") == (
        "+33140000000",
        "+33612345678",
    )


def test_one_phone_is_enough():
    assert validation.telephones(None, "06 12 34 56 78") == (None, "+33612345678")
    assert validation.telephones("01 40 00 00 00", "") == ("+33140000000", None)


def test_at_least_one_phone_is_required_with_a_clear_message():
    erreur = rejete(validation.telephones, None, "  ", champ="telephone")
    assert "Au moins un numéro de téléphone" in erreur.message
    assert "fixe ou mobile" in erreur.message


def test_an_invalid_phone_is_reported_even_when_the_other_is_valid():
    rejete(validation.telephones, "+44 20 7946 0958", "0612345678", champ="telephone_fixe")


# --- human texts -------------------------------------------------------------------------------
def test_text_is_trimmed_and_inner_spaces_collapsed():
    assert validation.texte("  Jean   Pierre  ", "prenom") == "Jean Pierre"


def test_text_is_normalised_to_nfc():
    assert validation.texte("He\u0301le\u0300ne", "prenom") == "Hélène"


def test_text_keeps_ordinary_punctuation_of_names():
    assert validation.texte("D'Artagnan-Dupont", "nom") == "D'Artagnan-Dupont"


@pytest.mark.parametrize("saisie", [None, "", "   "])
def test_missing_text_is_rejected_as_required(saisie):
    erreur = rejete(validation.texte, saisie, "nom", champ="nom")
    assert "obligatoire" in erreur.message


@pytest.mark.parametrize(
    "saisie",
    ["Du\x00pont", "Du\x1bpont", "Du\x07pont", "Du\x7fpont", "Du\u200bpont", "Du\u202epont"],
)
def test_text_with_a_control_character_is_rejected(saisie):
    erreur = rejete(validation.texte, saisie, "nom", champ="nom")
    assert "contrôle" in erreur.message


@pytest.mark.parametrize(
    "saisie", ["=cmd|' /C calc'!A0", "+33612345678", "-2+3", "@SUM(A1:A9)", "  =HYPERLINK(x)"]
)
def test_text_starting_with_a_formula_character_is_rejected(saisie):
    # CSV injection: a spreadsheet would run these as formulas on export.
    erreur = rejete(validation.texte, saisie, "nom", champ="nom")
    assert "ne peut pas commencer par" in erreur.message


def test_formula_characters_inside_a_text_are_fine():
    assert validation.texte("Jean-Pierre + Marie = 2", "nom") == "Jean-Pierre + Marie = 2"


def test_text_over_the_maximum_length_is_rejected():
    assert validation.texte("a" * 100, "nom") == "a" * 100
    erreur = rejete(validation.texte, "a" * 101, "nom", champ="nom")
    assert "100 caractères au plus" in erreur.message and "101 saisis" in erreur.message


def test_text_length_limit_is_configurable():
    assert validation.texte("a" * 10, "libelle", longueur_max=10) == "a" * 10
    with pytest.raises(DonneeInvalide, match="10 caractères au plus"):
        validation.texte("a" * 11, "libelle", longueur_max=10)


# --- every error is French -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fonction", "args"),
    [
        (validation.siret, ("123",)),
        (validation.email, ("x",)),
        (validation.email, ("",)),
        (validation.telephone, ("abc", "telephone_fixe")),
        (validation.telephone, ("+44 20 7946 0958", "telephone_fixe")),
        (validation.telephones, (None, None)),
        (validation.texte, ("", "nom")),
        (validation.texte, ("=x", "nom")),
        (validation.texte, ("a" * 200, "nom")),
        (validation.texte, ("a\x00", "nom")),
    ],
)
def test_every_validation_error_is_a_donnee_invalide_with_a_french_message(fonction, args):
    with pytest.raises(DonneeInvalide) as info:
        fonction(*args)
    message = info.value.message
    assert info.value.champ
    assert not re.search(r"\b(invalid|must|should|error|the|is not|too|required)\b", message, re.I)
    francais = ("invalide", "obligatoire", "au plus", "interdits", "commencer", "Au moins")
    assert any(mot in message for mot in francais), message
