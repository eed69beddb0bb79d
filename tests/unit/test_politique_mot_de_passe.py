"""The password policy of SPEC §3: each rule, named in ``MotDePasseNonConforme.regle``, with a
French message that says what to change."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpfadmin.domain.errors import DonneeInvalide, MotDePasseNonConforme
from cpfadmin.domain.politique_mot_de_passe import DonneesPersonnelles, politique_pour, verifier
from cpfadmin.domain.roles import Role

PERSONNE = DonneesPersonnelles(
    identifiant="KQ7MZ3RT", nom="Hélène", prenom="Jean-Pierre", email="jp.martin@example.fr"
)
GESTIONNAIRE = politique_pour(Role.GESTIONNAIRE)
ADMIN_PRINCIPAL = politique_pour(Role.ADMINISTRATEUR_PRINCIPAL)
ADMIN_DELEGUE = politique_pour(Role.ADMINISTRATEUR_DELEGUE)

# Passwords that break no rule for PERSONNE, one per length of interest.
BON_12 = "Vx9#kTr2!qWz"
BON_16 = "Vx9#kTr2!qWz-Fb4"


def refus(mot_de_passe, politique=GESTIONNAIRE, personne=PERSONNE, **options):
    with pytest.raises(MotDePasseNonConforme) as info:
        verifier(mot_de_passe, politique, personne, **options)
    erreur = info.value
    assert isinstance(erreur, DonneeInvalide)
    assert erreur.champ == "mot_de_passe"
    return erreur


# --- length ----------------------------------------------------------------------------------
def test_gestionnaire_password_needs_12_characters():
    assert len(BON_12) == 12
    verifier(BON_12, GESTIONNAIRE, PERSONNE)
    erreur = refus(BON_12[:11])
    assert erreur.regle == "longueur_min"
    assert "trop court" in erreur.message and "12 caractères" in erreur.message


@pytest.mark.parametrize("role", [Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE])
def test_administrator_password_needs_16_characters(role):
    politique = politique_pour(role)
    assert politique.longueur_min == 16
    verifier(BON_16, politique, PERSONNE)
    erreur = refus(BON_16[:15], politique)
    assert erreur.regle == "longueur_min"
    assert "16 caractères" in erreur.message and "(15 saisis)" in erreur.message


def test_a_gestionnaire_password_of_12_characters_is_too_short_for_an_administrator():
    assert refus(BON_12, ADMIN_PRINCIPAL).regle == "longueur_min"


def test_password_of_256_characters_is_accepted_and_257_is_too_long():
    verifier("Aa1!" * 64, GESTIONNAIRE, PERSONNE)
    erreur = refus("Aa1!" * 64 + "x")
    assert erreur.regle == "longueur_max"
    assert "trop long" in erreur.message and "256" in erreur.message


# --- character classes -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mot_de_passe", "manque"),
    [
        ("vx9#ktr2!qwz", "une majuscule"),
        ("VX9#KTR2!QWZ", "une minuscule"),
        ("Vxq#kTrw!qWz", "un chiffre"),
        ("Vx9zkTr2rqWz", "un caractère spécial"),
    ],
)
def test_password_under_20_characters_needs_every_character_class(mot_de_passe, manque):
    erreur = refus(mot_de_passe)
    assert erreur.regle == "classes"
    assert manque in erreur.message


def test_the_message_lists_every_missing_class_and_the_20_character_way_out():
    erreur = refus("vxqzktrwpqwzmn")
    assert "une majuscule" in erreur.message
    assert "un chiffre" in erreur.message
    assert "un caractère spécial" in erreur.message
    assert "20 caractères" in erreur.message


def test_password_of_19_characters_needs_every_character_class():
    assert refus("vxqzktrwpqwzmnbvcxg").regle == "classes"


def test_password_of_20_characters_is_exempt_from_the_class_rule():
    verifier("vxqzktrwpqwzmnbvcxgf", GESTIONNAIRE, PERSONNE)


def test_an_administrator_passphrase_of_20_lower_case_letters_is_accepted():
    verifier("toitsrougesdeclermont", ADMIN_DELEGUE, PERSONNE)


def test_accented_letters_count_as_letters_of_their_case():
    verifier("Éléphant-rosé-9", GESTIONNAIRE, PERSONNE)


# --- control characters ------------------------------------------------------------------------
@pytest.mark.parametrize("controle", ["\x00", "\n", "\t", "\x1b", "\x7f"])
def test_password_with_a_control_character_is_rejected(controle):
    erreur = refus(BON_16[:8] + controle + BON_16[8:])
    assert erreur.regle == "caracteres"
    assert "caractère de contrôle" in erreur.message


# --- personal data -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mot_de_passe", "libelle"),
    [
        ("kq7mz3rt-Solide!", "votre identifiant"),
        ("xKQ7MZ3RTx-Sol!d", "votre identifiant"),
        ("helene-Solide-26!", "votre nom"),  # nom "Hélène", typed without accents
        ("HÉLÈNE-solide-26!", "votre nom"),
        ("Pierre-Solide-26!", "votre prénom"),  # one part of a compound prénom
        ("Jean#Solide-2026!", "votre prénom"),
        ("Martin-Solide-26!", "votre adresse e-mail"),  # local part "jp.martin"
    ],
)
def test_password_containing_personal_data_is_rejected(mot_de_passe, libelle):
    erreur = refus(mot_de_passe)
    assert erreur.regle == "donnees_personnelles"
    assert libelle in erreur.message


def test_personal_data_check_ignores_accents_in_the_password_too():
    personne = DonneesPersonnelles("KQ7MZ3RT", "Dupont", "Helene", "h.dupont@example.fr")
    assert refus("Hélène-Solide-26!", personne=personne).regle == "donnees_personnelles"


def test_the_domain_of_the_email_is_not_personal_data():
    verifier("Example-Solide-26!", GESTIONNAIRE, PERSONNE)


# --- common passwords --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "mot_de_passe", ["Azerty123456!", "Motdepasse1!", "Motdepasse-2026", "Marseille2026!"]
)
def test_common_password_is_rejected_even_with_digits_and_symbols_around(mot_de_passe):
    erreur = refus(mot_de_passe)
    assert erreur.regle == "courant"
    assert "courants" in erreur.message


def test_a_caller_supplied_list_of_leaked_passwords_is_used():
    erreur = refus(BON_12, mots_courants={BON_12.lower()})
    assert erreur.regle == "courant"


# --- history -----------------------------------------------------------------------------------
def test_password_among_the_last_five_is_rejected_through_the_callback():
    anciens = {BON_16}
    erreur = refus(BON_16, deja_utilise=lambda m: m in anciens)
    assert erreur.regle == "historique"
    assert "5 derniers" in erreur.message


def test_history_callback_receives_the_password_and_a_new_one_passes():
    recus = []

    def deja_utilise(mot_de_passe):
        recus.append(mot_de_passe)
        return False

    verifier(BON_16, GESTIONNAIRE, PERSONNE, deja_utilise=deja_utilise)
    assert recus == [BON_16]


def test_history_callback_is_not_called_when_a_cheaper_rule_fails():
    def interdit(_):
        raise AssertionError("le contrôle de l'historique ne doit pas être appelé")

    assert refus("court", deja_utilise=interdit).regle == "longueur_min"


# --- messages and expiry -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mot_de_passe", "regle", "mots"),
    [
        ("court", "longueur_min", "trop court"),
        ("Aa1!" * 70, "longueur_max", "trop long"),
        ("Vx9#kTr2!q\x00Wz", "caracteres", "contrôle"),
        ("vx9#ktr2!qwz", "classes", "majuscule"),
        ("helene-Solide-26!", "donnees_personnelles", "nom"),
        ("Azerty123456!", "courant", "courant"),
    ],
)
def test_every_rejection_is_a_french_sentence_naming_the_rule(mot_de_passe, regle, mots):
    erreur = refus(mot_de_passe)
    assert erreur.regle == regle
    assert mots in erreur.message
    assert erreur.message[0].isupper() and erreur.message.endswith(".")
    assert str(erreur) == erreur.message


def test_administrator_passwords_expire_after_365_days():
    assert ADMIN_PRINCIPAL.expiration_jours == 365
    assert ADMIN_DELEGUE.expiration_jours == 365


def test_gestionnaire_passwords_do_not_expire():
    assert GESTIONNAIRE.expiration_jours is None
    assert "N'expire pas." in GESTIONNAIRE.description


def test_administrator_expiry_is_configurable():
    assert (
        politique_pour(Role.ADMINISTRATEUR_PRINCIPAL, expiration_admin_jours=90).expiration_jours
        == 90
    )
    assert politique_pour(Role.GESTIONNAIRE, expiration_admin_jours=90).expiration_jours is None


def test_policy_keeps_five_passwords_of_history_and_allows_256_characters():
    for politique in (GESTIONNAIRE, ADMIN_PRINCIPAL, ADMIN_DELEGUE):
        assert politique.historique == 5
        assert politique.longueur_max == 256
        assert politique.longueur_sans_classes == 20


def test_policy_accepts_role_names_as_strings():
    assert politique_pour("administrateur_delegue") == ADMIN_DELEGUE
    assert politique_pour("gestionnaire") == GESTIONNAIRE


# --- property: whatever is accepted respects length and classes -------------------------------
MAJUSCULES = string.ascii_uppercase + "ÉÈÀÇ"
MINUSCULES = string.ascii_lowercase + "éèàçß"
CHIFFRES = string.digits
SPECIAUX = string.punctuation + " €«»"
ALPHABET = MAJUSCULES + MINUSCULES + CHIFFRES + SPECIAUX

candidats = st.one_of(
    st.text(alphabet=ALPHABET, max_size=40),
    st.text(alphabet=ALPHABET, min_size=11, max_size=22),
    st.text(alphabet=ALPHABET, min_size=250, max_size=262),
)


@settings(max_examples=300, deadline=None)
@given(candidats, st.sampled_from([GESTIONNAIRE, ADMIN_PRINCIPAL, ADMIN_DELEGUE]))
def test_any_accepted_password_has_a_length_within_bounds_and_all_classes_under_20(
    mot_de_passe, politique
):
    try:
        verifier(mot_de_passe, politique, PERSONNE)
    except MotDePasseNonConforme as e:
        assert e.regle in {
            "longueur_min",
            "longueur_max",
            "caracteres",
            "classes",
            "donnees_personnelles",
            "courant",
            "motif_clavier",
        }
        return
    assert politique.longueur_min <= len(mot_de_passe) <= 256
    if len(mot_de_passe) < 20:
        for classe in (MAJUSCULES, MINUSCULES, CHIFFRES, SPECIAUX):
            assert any(c in classe for c in mot_de_passe)


# --- keyboard runs, sequences and repetitions --------------------------------------------------
@pytest.mark.parametrize(
    "mot_de_passe",
    ["aaaaaaaaaaaaaaaaaaaa", "Azertyuiop-Qsdf1!", "Abcdefgh-12345678!", "0987654321-Poiuy!"],
)
def test_a_password_made_of_keyboard_runs_or_repetitions_is_rejected(mot_de_passe):
    assert refus(mot_de_passe).regle in {"motif_clavier", "courant"}


def test_keyboard_runs_are_removed_before_counting_what_is_left():
    from cpfadmin.domain.politique_mot_de_passe import sans_motifs

    assert sans_motifs("azerty-x") == "-x"
    assert sans_motifs("4321abc") == "abc"
    assert sans_motifs("aaab") == "b"
    assert sans_motifs("un-mot-de-passe") == "un-mot-de-passe"


def test_a_long_passphrase_with_a_short_sequence_inside_is_accepted():
    verifier("Correct-Horse-Battery-Staple-1234", ADMIN_DELEGUE, PERSONNE)


@pytest.mark.parametrize("mot_de_passe", ["P@ssw0rd-2026!!", "Motdepasse-2026!", "$Oleil-2026-!!"])
def test_common_passwords_are_found_through_the_usual_substitutions(mot_de_passe):
    with pytest.raises(MotDePasseNonConforme) as e:
        verifier(mot_de_passe, GESTIONNAIRE, PERSONNE)
    assert e.value.regle in {"courant", "motif_clavier"}
