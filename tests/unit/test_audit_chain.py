"""The audit chain (SPEC §1, §7): each event chains the digest of the previous one, so an
edited, deleted, reordered or cut event is detected; no secret ever enters it."""

from __future__ import annotations

import dataclasses
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from cpfadmin.domain.audit import (
    CONDENSAT_INITIAL,
    Maillon,
    condensat_evenement,
    verifier_chaine,
    verifier_details,
)

DEBUT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def maillon(seq, precedent, *, action="compte.creation", details=None, horodatage=None):
    champs = {
        "seq": seq,
        "horodatage": horodatage or DEBUT + timedelta(minutes=seq),
        "action": action,
        "acteur": "KQ7MZ3RT",
        "organisme": "18002002600019",
        "cible": f"CIBLE{seq:03d}",
        "details": details if details is not None else {"role": "gestionnaire", "n": seq},
        "precedent": precedent,
    }
    return Maillon(**champs, condensat=condensat_evenement(**champs))


def chaine(n):
    maillons, precedent = [], CONDENSAT_INITIAL
    for seq in range(1, n + 1):
        m = maillon(seq, precedent)
        maillons.append(m)
        precedent = m.condensat
    return maillons


def verifier(maillons, tete):
    return verifier_chaine(maillons, tete_seq=tete.seq, tete_condensat=tete.condensat)


def resceller(m, **modifications):
    """What a forger who knows the scheme does: edit the event and recompute its own digest."""
    modifie = dataclasses.replace(m, **modifications)
    champs = {f.name: getattr(modifie, f.name) for f in dataclasses.fields(Maillon)}
    del champs["condensat"]
    return dataclasses.replace(modifie, condensat=condensat_evenement(**champs))


# --- the digest ----------------------------------------------------------------------------------
def test_event_digest_is_sha256_hex_and_deterministic():
    m = maillon(1, CONDENSAT_INITIAL)
    assert re.fullmatch(r"[0-9a-f]{64}", m.condensat)
    assert maillon(1, CONDENSAT_INITIAL).condensat == m.condensat


def test_first_event_links_to_the_initial_digest():
    assert chaine(1)[0].precedent == CONDENSAT_INITIAL == "0" * 64


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [
        ("seq", 2),
        ("horodatage", DEBUT + timedelta(microseconds=1)),
        ("action", "compte.suppression"),
        ("acteur", "AAAAAAAA"),
        ("acteur", None),
        ("organisme", "35600000000048"),
        ("cible", "AUTRE"),
        ("details", {"role": "administrateur_delegue", "n": 1}),
        ("precedent", "f" * 64),
    ],
)
def test_every_field_of_an_event_changes_its_digest(champ, valeur):
    champs = {
        "seq": 1,
        "horodatage": DEBUT,
        "action": "compte.creation",
        "acteur": "KQ7MZ3RT",
        "organisme": "18002002600019",
        "cible": "CIBLE",
        "details": {"role": "gestionnaire", "n": 1},
        "precedent": CONDENSAT_INITIAL,
    }
    assert condensat_evenement(**champs) != condensat_evenement(**{**champs, champ: valeur})


def test_digest_does_not_depend_on_the_order_of_detail_keys():
    a = maillon(1, CONDENSAT_INITIAL, details={"a": 1, "b": 2})
    b = maillon(1, CONDENSAT_INITIAL, details={"b": 2, "a": 1})
    assert a.condensat == b.condensat


# --- an intact chain ----------------------------------------------------------------------------
def test_an_intact_chain_verifies():
    maillons = chaine(6)
    assert verifier(maillons, maillons[-1]) == (6, None)


def test_an_empty_chain_with_an_empty_head_verifies():
    assert verifier_chaine([], tete_seq=0, tete_condensat=CONDENSAT_INITIAL) == (0, None)


def test_each_event_links_to_the_digest_of_the_previous_one():
    maillons = chaine(4)
    for precedent, suivant in itertools.pairwise(maillons):
        assert suivant.precedent == precedent.condensat


# --- tampering ----------------------------------------------------------------------------------
def test_an_edited_event_is_detected_at_that_event():
    maillons = chaine(5)
    maillons[2] = dataclasses.replace(maillons[2], details={"role": "administrateur_principal"})
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 2
    assert rupture is not None and rupture.seq == 3
    assert "modifié" in rupture.raison


@pytest.mark.parametrize(
    "modification",
    [{"action": "compte.lecture"}, {"acteur": None}, {"cible": "AUTRE"}, {"horodatage": DEBUT}],
)
def test_any_edited_field_is_detected(modification):
    maillons = chaine(3)
    maillons[1] = dataclasses.replace(maillons[1], **modification)
    assert verifier(maillons, maillons[-1])[1].seq == 2


def test_an_edited_event_with_a_recomputed_digest_breaks_the_next_link():
    maillons = chaine(5)
    maillons[2] = resceller(maillons[2], details={"role": "administrateur_principal"})
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 3
    assert rupture is not None and rupture.seq == 4
    assert "lien" in rupture.raison


def test_an_edited_last_event_with_a_recomputed_digest_breaks_the_head():
    maillons = chaine(5)
    tete = maillons[-1]
    maillons[-1] = resceller(maillons[-1], cible="AUTRE")
    compte, rupture = verifier(maillons, tete)
    assert compte == 5
    assert rupture is not None and "tronquée ou remplacée" in rupture.raison


def test_a_deleted_middle_event_is_detected():
    maillons = chaine(5)
    del maillons[2]
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 2
    assert rupture is not None and rupture.seq == 4
    assert "manquant" in rupture.raison


def test_a_deleted_middle_event_is_detected_even_after_renumbering():
    maillons = chaine(5)
    del maillons[2]
    maillons[2:] = [dataclasses.replace(m, seq=m.seq - 1) for m in maillons[2:]]
    compte, rupture = verifier(maillons, maillons[-1])
    assert rupture is not None and rupture.seq == 3
    assert compte == 2


def test_a_reordered_pair_is_detected():
    maillons = chaine(5)
    maillons[1], maillons[2] = maillons[2], maillons[1]
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 1
    assert rupture is not None and rupture.seq == 3


def test_a_reordered_pair_with_swapped_numbers_is_detected():
    maillons = chaine(5)
    deux, trois = maillons[1], maillons[2]
    maillons[1], maillons[2] = dataclasses.replace(trois, seq=2), dataclasses.replace(deux, seq=3)
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 1
    assert rupture is not None and rupture.seq == 2


def test_a_truncated_tail_is_detected_by_the_head():
    maillons = chaine(5)
    tete = maillons[-1]
    compte, rupture = verifier(maillons[:3], tete)
    assert compte == 3
    assert rupture is not None and rupture.seq == 4
    assert "tronquée" in rupture.raison


def test_a_chain_emptied_entirely_is_detected_by_the_head():
    tete = chaine(3)[-1]
    compte, rupture = verifier([], tete)
    assert compte == 0 and rupture is not None


def test_a_head_pointing_to_another_digest_is_detected():
    maillons = chaine(3)
    compte, rupture = verifier_chaine(maillons, tete_seq=3, tete_condensat="a" * 64)
    assert compte == 3 and rupture is not None


def test_an_event_that_does_not_start_at_one_is_detected():
    maillons = chaine(3)[1:]
    compte, rupture = verifier(maillons, maillons[-1])
    assert compte == 0
    assert rupture is not None and rupture.seq == 2


# --- no secret in the audit ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "details",
    [
        {"mot_de_passe": "x"},
        {"nouveau_mot_de_passe": "x"},
        {"Password": "x"},
        {"secret": "x"},
        {"jeton_session": "x"},
        {"token": "x"},
        {"mot_de_passe_temporaire": "x"},
        {"compte": {"identifiant": "KQ7MZ3RT", "temporaire": "x"}},
        {"a": {"b": {"c": {"TOKEN": "x"}}}},
    ],
)
def test_details_with_a_secret_like_key_are_refused(details):
    with pytest.raises(ValueError, match="secret"):
        verifier_details(details)


@pytest.mark.parametrize(
    "details",
    [
        {"lignes": [{"email": "a@example.fr", "mot_de_passe_temporaire": "x"}]},
        {"comptes": ({"identifiant": "KQ7MZ3RT", "jeton": "x"},)},
    ],
)
def test_details_with_a_secret_like_key_inside_a_list_are_refused(details):
    with pytest.raises(ValueError, match="secret"):
        verifier_details(details)


def test_ordinary_details_are_accepted():
    verifier_details(
        {
            "identifiant": "KQ7MZ3RT",
            "role": "gestionnaire",
            "champs": ["email", "telephone_mobile"],
            "avant": {"unite": "Paie"},
            "apres": {"unite": "RH"},
        }
    )
