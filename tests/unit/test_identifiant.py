"""Identifiants (SPEC §1): random, 8 characters from an unambiguous upper-case alphabet,
case-insensitive at login."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpfadmin.domain.identifiant import ALPHABET, generer_identifiant, normaliser_identifiant

# Upper-case letters and digits, without the look-alikes 0/O and 1/I/L.
ALPHABET_ATTENDU = frozenset(string.ascii_uppercase + string.digits) - set("0O1IL")

identifiants = st.text(alphabet=sorted(ALPHABET_ATTENDU), min_size=8, max_size=8)


def test_alphabet_is_upper_case_letters_and_digits_without_look_alikes():
    assert set(ALPHABET) == ALPHABET_ATTENDU
    assert len(ALPHABET) == len(set(ALPHABET)) == 31


def test_generated_identifiant_has_8_characters_from_the_unambiguous_alphabet():
    for _ in range(200):
        identifiant = generer_identifiant()
        assert len(identifiant) == 8
        assert set(identifiant) <= ALPHABET_ATTENDU


def test_a_thousand_generated_identifiants_are_all_distinct():
    generes = [generer_identifiant() for _ in range(1000)]
    assert len(set(generes)) == 1000


def test_generation_draws_on_the_whole_alphabet():
    # 8,000 draws from 31 characters: a character never drawn would mean a biased generator.
    vus = set("".join(generer_identifiant() for _ in range(1000)))
    assert vus == ALPHABET_ATTENDU


def test_generated_identifiants_are_not_sequential():
    generes = [generer_identifiant() for _ in range(50)]
    assert generes != sorted(generes)


def test_identifiant_typed_in_lower_case_with_surrounding_spaces_is_normalised():
    assert normaliser_identifiant("  abcd2345 \t") == "ABCD2345"
    assert normaliser_identifiant("AbCd2345") == "ABCD2345"


@pytest.mark.parametrize(
    "saisie",
    [
        "",
        "ABCD234",  # 7 characters
        "ABCD23456",  # 9 characters
        "ABCD 2345",  # a space inside
        "ABCD-2345",
        "ABCD234O",  # letter O
        "ABCD2340",  # digit 0
        "ABCD234I",  # letter I
        "ABCD2341",  # digit 1
        "ABCD234L",  # letter L
        "ABCDÉ234",
        "ABCD234;",
    ],
)
def test_a_string_that_cannot_be_an_identifiant_normalises_to_none(saisie):
    assert normaliser_identifiant(saisie) is None


@given(identifiants)
def test_every_valid_identifiant_normalises_to_itself(identifiant):
    assert normaliser_identifiant(identifiant) == identifiant


@given(identifiants)
def test_lower_casing_an_identifiant_round_trips(identifiant):
    assert normaliser_identifiant(identifiant.lower()) == identifiant
    assert normaliser_identifiant(f" {identifiant.lower()} ") == identifiant


@given(st.text(max_size=12))
def test_normalisation_returns_none_or_an_identifiant_of_the_alphabet(saisie):
    resultat = normaliser_identifiant(saisie)
    assert resultat is None or (len(resultat) == 8 and set(resultat) <= ALPHABET_ATTENDU)


def test_every_generated_identifiant_normalises_to_itself():
    for _ in range(500):
        identifiant = generer_identifiant()
        assert normaliser_identifiant(identifiant) == identifiant
        assert normaliser_identifiant(identifiant.lower()) == identifiant
