"""Secrets (SPEC §3): bcrypt for chosen passwords, temporary passwords, session tokens.

bcrypt runs at cost 4 here, except in the one test of the default cost."""

from __future__ import annotations

import base64
import hashlib
import math
import re

import pytest

from cpfadmin.domain.authentifiants import (
    ALPHABET_TEMPORAIRE,
    COUT_BCRYPT_DEFAUT,
    anticiper,
    condenser_jeton,
    condenser_temporaire,
    cout_du_hachage,
    doit_rehacher,
    generer_jeton,
    generer_mot_de_passe_temporaire,
    hachage_factice,
    hache_a_verifier,
    hacher_mot_de_passe,
    verifier_mot_de_passe,
    verifier_temporaire,
)
from cpfadmin.domain.politique import Politiques

COUT = 4
MOT_DE_PASSE = "Phrase-De-Passe-Solide-2026!"
FORMAT_TEMPORAIRE = re.compile(r"^[^-]{5}-[^-]{5}-[^-]{5}-[^-]{5}$")


# --- human-chosen passwords ---------------------------------------------------------------------
def test_hash_carries_its_scheme_and_its_cost():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    assert stocke.startswith("bcrypt-sha256$$2b$04$")
    assert cout_du_hachage(stocke) == COUT


def test_hash_never_contains_the_password():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    assert MOT_DE_PASSE not in stocke


def test_the_right_password_verifies_and_a_wrong_one_does_not():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    assert verifier_mot_de_passe(MOT_DE_PASSE, stocke) is True
    assert verifier_mot_de_passe(MOT_DE_PASSE + "x", stocke) is False
    assert verifier_mot_de_passe(MOT_DE_PASSE.lower(), stocke) is False
    assert verifier_mot_de_passe("", stocke) is False


def test_two_hashes_of_the_same_password_differ_by_their_salt():
    assert hacher_mot_de_passe(MOT_DE_PASSE, COUT) != hacher_mot_de_passe(MOT_DE_PASSE, COUT)


def test_a_256_character_password_differing_only_in_its_last_character_is_rejected():
    # bcrypt alone reads 72 bytes: every one of the 256 characters must count.
    mot_de_passe = "A" * 255 + "b"
    stocke = hacher_mot_de_passe(mot_de_passe, COUT)
    assert verifier_mot_de_passe(mot_de_passe, stocke) is True
    assert verifier_mot_de_passe("A" * 255 + "c", stocke) is False
    assert verifier_mot_de_passe("A" * 255, stocke) is False


def test_characters_past_72_bytes_of_multibyte_text_are_significant():
    # 40 × "é" is 80 bytes in UTF-8: the difference sits past bcrypt's 72-byte limit.
    stocke = hacher_mot_de_passe("é" * 40 + "1", COUT)
    assert verifier_mot_de_passe("é" * 40 + "1", stocke) is True
    assert verifier_mot_de_passe("é" * 40 + "2", stocke) is False


@pytest.mark.parametrize(
    "mot_de_passe",
    [
        "Mot-de-passe-d'été-Ça-va-2026",
        "Пароль-надёжный-2026!",
        "密码安全的密码-2026!",
        "Clé🔑-2026-😀",
    ],
)
def test_non_ascii_passwords_hash_and_verify(mot_de_passe):
    stocke = hacher_mot_de_passe(mot_de_passe, COUT)
    assert verifier_mot_de_passe(mot_de_passe, stocke) is True
    assert verifier_mot_de_passe(mot_de_passe[:-1], stocke) is False


def test_a_value_of_another_scheme_never_verifies():
    import bcrypt

    brut = bcrypt.hashpw(MOT_DE_PASSE.encode(), bcrypt.gensalt(rounds=COUT)).decode()
    assert verifier_mot_de_passe(MOT_DE_PASSE, brut) is False
    assert verifier_mot_de_passe(MOT_DE_PASSE, "plain$" + MOT_DE_PASSE) is False
    assert cout_du_hachage(brut) is None


def test_a_hash_at_another_cost_must_be_rehashed():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    assert doit_rehacher(stocke, COUT) is False
    assert doit_rehacher(stocke, 5) is True
    assert doit_rehacher(stocke, 12) is True


def test_a_hash_of_another_scheme_must_be_rehashed():
    import bcrypt

    brut = bcrypt.hashpw(b"x", bcrypt.gensalt(rounds=COUT)).decode()
    assert doit_rehacher(brut, COUT) is True


def test_default_cost_is_12_in_the_code_and_in_the_configuration():
    assert COUT_BCRYPT_DEFAUT == 12
    assert Politiques().bcrypt_cost == 12


def test_hashing_without_a_cost_uses_cost_12():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE)
    assert stocke.startswith("bcrypt-sha256$$2b$12$")
    assert cout_du_hachage(stocke) == 12
    assert doit_rehacher(stocke, 12) is False
    assert verifier_mot_de_passe(MOT_DE_PASSE, stocke) is True


# --- temporary passwords ------------------------------------------------------------------------
def test_temporary_password_is_four_groups_of_five_characters_from_the_alphabet():
    for _ in range(200):
        temporaire = generer_mot_de_passe_temporaire()
        assert FORMAT_TEMPORAIRE.match(temporaire), temporaire
        assert set(temporaire.replace("-", "")) <= set(ALPHABET_TEMPORAIRE)


def test_temporary_password_alphabet_is_easy_to_type():
    assert len(set(ALPHABET_TEMPORAIRE)) == len(ALPHABET_TEMPORAIRE)
    assert not set(ALPHABET_TEMPORAIRE) & set("0o1il")
    assert ALPHABET_TEMPORAIRE.isascii() and ALPHABET_TEMPORAIRE.isalnum()


def test_temporary_password_carries_at_least_96_bits_of_entropy():
    caracteres_aleatoires = len(generer_mot_de_passe_temporaire().replace("-", ""))
    entropie = caracteres_aleatoires * math.log2(len(set(ALPHABET_TEMPORAIRE)))
    assert caracteres_aleatoires == 20
    assert entropie >= 96


def test_temporary_passwords_draw_on_the_whole_alphabet_and_never_repeat():
    # The entropy above holds only if every character of the alphabet is really drawn.
    generes = [generer_mot_de_passe_temporaire() for _ in range(300)]
    assert len(set(generes)) == 300
    assert set("".join(generes).replace("-", "")) == set(ALPHABET_TEMPORAIRE)


@pytest.mark.parametrize(
    "transformation",
    [
        lambda t: t,
        str.upper,
        lambda t: t.replace("-", ""),
        lambda t: t.replace("-", " "),
        lambda t: f"  {t.upper().replace('-', ' ')}\t",
        lambda t: t.swapcase().replace("-", "--"),
    ],
    ids=[
        "tel-quel",
        "majuscules",
        "sans-tirets",
        "espaces",
        "majuscules-espaces",
        "doubles-tirets",
    ],
)
def test_temporary_password_verification_tolerates_case_hyphens_and_spaces(transformation):
    temporaire = generer_mot_de_passe_temporaire()
    stocke = condenser_temporaire(temporaire)
    assert verifier_temporaire(transformation(temporaire), stocke) is True


def test_temporary_password_digest_is_salted():
    temporaire = generer_mot_de_passe_temporaire()
    premier, second = condenser_temporaire(temporaire), condenser_temporaire(temporaire)
    assert premier != second
    assert verifier_temporaire(temporaire, premier) and verifier_temporaire(temporaire, second)


def test_temporary_password_digest_does_not_contain_the_secret():
    temporaire = generer_mot_de_passe_temporaire()
    stocke = condenser_temporaire(temporaire)
    assert temporaire not in stocke
    assert temporaire.replace("-", "") not in stocke


def test_a_wrong_temporary_password_is_rejected():
    temporaire = generer_mot_de_passe_temporaire()
    stocke = condenser_temporaire(temporaire)
    autre = generer_mot_de_passe_temporaire()
    assert verifier_temporaire(autre, stocke) is False
    assert verifier_temporaire(temporaire[:-1], stocke) is False
    assert verifier_temporaire("", stocke) is False


def test_a_bcrypt_hash_is_not_accepted_as_a_temporary_digest():
    stocke = hacher_mot_de_passe("abcde-fghjk-mnpqr-stuvw", COUT)
    assert verifier_temporaire("abcde-fghjk-mnpqr-stuvw", stocke) is False


# --- session tokens -----------------------------------------------------------------------------
def _octets_aleatoires(jeton: str) -> bytes:
    partie = jeton.removeprefix("cpf_")
    return base64.urlsafe_b64decode(partie + "=" * (-len(partie) % 4))


def test_session_token_carries_at_least_256_random_bits():
    jeton = generer_jeton()
    assert len(_octets_aleatoires(jeton)) * 8 >= 256


def test_session_tokens_never_repeat():
    assert len({generer_jeton() for _ in range(1000)}) == 1000


def test_token_digest_is_sha256_hex_and_deterministic():
    jeton = generer_jeton()
    condensat = condenser_jeton(jeton)
    assert re.fullmatch(r"[0-9a-f]{64}", condensat)
    assert condensat == condenser_jeton(jeton)
    assert condensat == hashlib.sha256(jeton.encode("utf-8")).hexdigest()


def test_token_never_equals_nor_contains_its_digest():
    for _ in range(100):
        jeton = generer_jeton()
        condensat = condenser_jeton(jeton)
        assert jeton != condensat
        assert jeton not in condensat and condensat not in jeton


def test_two_tokens_have_different_digests():
    assert condenser_jeton(generer_jeton()) != condenser_jeton(generer_jeton())


# --- the dummy hash and the anticipated verification of a login -------------------------------
class CompteurBcrypt:
    """Counts bcrypt computations (the real ones run)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import threading

        import bcrypt

        self.verifications = 0
        self.hachages = 0
        self.fils: list[str] = []  # the thread of each verification
        vraie_verification, vrai_hachage = bcrypt.checkpw, bcrypt.hashpw

        def checkpw(*a):  # type: ignore[no-untyped-def]
            self.verifications += 1
            self.fils.append(threading.current_thread().name)
            return vraie_verification(*a)

        def hashpw(*a):  # type: ignore[no-untyped-def]
            self.hachages += 1
            return vrai_hachage(*a)

        monkeypatch.setattr(bcrypt, "checkpw", checkpw)
        monkeypatch.setattr(bcrypt, "hashpw", hashpw)


@pytest.fixture
def compteur(monkeypatch: pytest.MonkeyPatch) -> CompteurBcrypt:
    return CompteurBcrypt(monkeypatch)


@pytest.mark.parametrize("cout", [4, 10, 12, 14])
def test_the_dummy_hash_costs_one_verification_at_the_cost_and_no_hashing(cout, compteur):
    factice = hachage_factice(cout)
    assert cout_du_hachage(factice) == cout and not doit_rehacher(factice, cout)
    assert compteur.hachages == 0  # a constant: no fresh hash per process to give time away
    if cout <= 10:
        assert verifier_mot_de_passe(MOT_DE_PASSE, factice) is False
        assert verifier_mot_de_passe("", factice) is False
        assert compteur.verifications == 2


def test_what_a_login_verifies_against_is_the_dummy_hash_unless_an_unlocked_account_has_one():
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    assert hache_a_verifier(stocke, False, COUT) == stocke
    assert hache_a_verifier(stocke, True, COUT) == hachage_factice(COUT)
    assert hache_a_verifier(None, False, COUT) == hachage_factice(COUT)
    assert hache_a_verifier("", False, COUT) == hachage_factice(COUT)


def test_an_anticipated_verification_is_used_once_for_the_same_password_and_hash(compteur):
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    for essai, attendu in ((MOT_DE_PASSE, True), ("Autre-Phrase-2026!", False)):
        compteur.verifications = 0
        compteur.fils.clear()
        anticipation = anticiper(essai, lambda: stocke)
        assert verifier_mot_de_passe(essai, stocke, anticipation) is attendu
        assert compteur.fils == ["cpfadmin-bcrypt"]  # the anticipated one, not a second
        # used up: the next verification computes again
        assert verifier_mot_de_passe(essai, stocke, anticipation) is attendu
        assert compteur.verifications == 2


def test_an_anticipation_is_used_only_where_it_is_handed(compteur):
    # No module state: a check that is not given the anticipation (another request's, in a
    # threaded server) computes for itself, and leaves the anticipation to its owner.
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    compteur.verifications = 0
    anticipation = anticiper(MOT_DE_PASSE, lambda: stocke)
    assert verifier_mot_de_passe(MOT_DE_PASSE, stocke) is True
    assert verifier_mot_de_passe(MOT_DE_PASSE, stocke, anticipation) is True
    # its own computation, and the anticipated one (waited for) — not a third
    assert compteur.verifications == 2


def test_an_anticipation_for_another_hash_or_password_is_ignored(compteur):
    ancien = hacher_mot_de_passe(MOT_DE_PASSE, COUT)
    nouveau = hacher_mot_de_passe("Nouvelle-Phrase-2026!", COUT)
    # the hash changed between the early read and the service's own read
    a = anticiper(MOT_DE_PASSE, lambda: ancien)
    assert verifier_mot_de_passe(MOT_DE_PASSE, nouveau, a) is False
    a = anticiper("Nouvelle-Phrase-2026!", lambda: ancien)
    assert verifier_mot_de_passe("Nouvelle-Phrase-2026!", nouveau, a) is True
    # another password than the anticipated one
    a = anticiper(MOT_DE_PASSE, lambda: ancien)
    assert verifier_mot_de_passe("Nouvelle-Phrase-2026!", ancien, a) is False
    a = anticiper("Nouvelle-Phrase-2026!", lambda: ancien)
    assert verifier_mot_de_passe(MOT_DE_PASSE, ancien, a) is True


def test_an_early_read_that_fails_or_finds_nothing_only_costs_the_head_start(compteur):
    stocke = hacher_mot_de_passe(MOT_DE_PASSE, COUT)

    def en_panne() -> str:
        raise OSError("base illisible")

    for lecture in (en_panne, lambda: None):
        compteur.verifications = 0
        anticipation = anticiper(MOT_DE_PASSE, lecture)
        assert verifier_mot_de_passe(MOT_DE_PASSE, stocke, anticipation) is True
        assert compteur.verifications == 1
