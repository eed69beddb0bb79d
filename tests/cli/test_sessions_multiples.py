"""Several accounts logged in on one profile (issue 11, point 11): each keeps its session,
``session list`` and ``session switch`` choose the active one, ``logout`` ends only it; and the
keyring fallback warning is given once per profile (point 17). Also the words of a refused
first-login CGU (point 10)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN, json_de
from tests.support.console import mot_de_passe_temporaire

MOT_DE_PASSE_PAUL = "Gestion-Lyon-2027!"


def _se_connecter(cli, identifiant, *lignes, globales=()):  # type: ignore[no-untyped-def]
    return cli(
        *globales,
        "login",
        identifiant,
        "--password-stdin",
        "--accept-cgu",
        input="\n".join(lignes) + "\n",
    )


@pytest.fixture
def deux_comptes(cli, operateur):  # type: ignore[no-untyped-def]
    """The operator, then a gestionnaire of the CDC, both logged in on the default profile
    (the gestionnaire last, so active): (operator, gestionnaire)."""
    r = cli(
        "-o",
        "json",
        "gestionnaires",
        "add",
        "--nom",
        "Durand",
        "--prenom",
        "Paul",
        "--email",
        "paul.durand@example.fr",
        "--telephone-mobile",
        "0611223344",
    )
    assert r.exit_code == 0, r.stderr
    paul = json_de(r)["identifiant"]
    temporaire = mot_de_passe_temporaire("paul.durand@example.fr")
    r = _se_connecter(cli, paul, temporaire, MOT_DE_PASSE_PAUL)
    assert r.exit_code == 0, r.stderr
    return operateur, paul


def _moi(cli, env=None):  # type: ignore[no-untyped-def]
    r = cli("-o", "json", "me", env=env)
    assert r.exit_code == 0, r.stderr
    return json_de(r)


def test_logging_in_as_another_account_keeps_the_first_ones_session(cli, deux_comptes):
    operateur, paul = deux_comptes
    assert _moi(cli)["identifiant"] == paul
    r = cli("-o", "json", "session", "list")
    assert r.exit_code == 0, r.stderr
    sessions = {s["identifiant"]: s for s in json_de(r)}
    assert set(sessions) == {operateur, paul}
    assert sessions[paul]["active"] is True and sessions[operateur]["active"] is False
    assert sessions[operateur]["valide"] is True and sessions[paul]["valide"] is True
    assert all(s["stockage_jeton"].startswith("trousseau système") for s in sessions.values())
    assert all(s["valable_jusqua"] for s in sessions.values())
    assert "jeton" not in json.dumps(json_de(r)).replace("stockage_jeton", "")


def test_session_list_as_a_table_names_both_accounts(cli, deux_comptes):
    operateur, paul = deux_comptes
    r = cli("session", "list")
    assert r.exit_code == 0, r.stderr
    assert operateur in r.stdout and paul in r.stdout
    assert "Active" in r.stdout and "Valide" in r.stdout


def test_session_switch_chooses_the_active_account(cli, deux_comptes):
    operateur, paul = deux_comptes
    r = cli("session", "switch", operateur.lower())  # as typed, case does not matter
    assert r.exit_code == 0, r.stderr
    assert f"Compte actif : {operateur}" in r.stderr
    assert _moi(cli)["identifiant"] == operateur
    r = cli("-o", "json", "session", "switch", paul)
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["identifiant"] == paul and json_de(r)["valide"] is True
    assert _moi(cli)["identifiant"] == paul


def test_session_switch_to_an_unknown_account_exits_5_naming_the_known_ones(cli, deux_comptes):
    operateur, paul = deux_comptes
    r = cli("session", "switch", "ZZZZ2345")
    assert r.exit_code == 5
    assert r.stderr.startswith("Erreur : Aucune session de ZZZZ2345")
    assert operateur in r.stderr and paul in r.stderr
    assert _moi(cli)["identifiant"] == paul  # nothing changed
    r = cli("-o", "json", "session", "switch", "ZZZZ2345")
    assert json.loads(r.stderr)["erreur"]["code"] == 5


def test_me_says_which_account_is_active_and_that_others_are_stored(cli, deux_comptes):
    operateur, paul = deux_comptes
    assert _moi(cli)["autres_sessions"] == [operateur]
    r = cli("me")
    assert r.exit_code == 0, r.stderr
    assert f"Compte actif : {paul}" in r.stderr and operateur in r.stderr


def test_logout_ends_the_active_account_only(cli, deux_comptes):
    operateur, paul = deux_comptes
    r = cli("logout")
    assert r.exit_code == 0, r.stderr
    assert "Déconnecté" in r.stderr
    assert operateur in r.stderr and "session switch" in r.stderr
    r = cli("me")  # no active account any more: says which are kept, and how to choose one
    assert r.exit_code == 3, r.stderr
    assert f"Aucune session active sur le profil default ; sessions conservées : {operateur}." in (
        r.stderr
    )
    assert f"cpfadmin session switch {operateur}" in r.stderr
    r = cli("-o", "json", "session", "list")
    assert [s["identifiant"] for s in json_de(r)] == [operateur]
    assert cli("session", "switch", paul).exit_code == 5
    assert cli("session", "switch", operateur).exit_code == 0
    assert _moi(cli)["identifiant"] == operateur  # its session was never touched


def test_logout_all_ends_every_session_of_the_active_account_and_keeps_the_others(
    cli, deux_comptes
):
    operateur, paul = deux_comptes
    # A second session of the gestionnaire (another machine): --all ends it too.
    r = _se_connecter(cli, paul, MOT_DE_PASSE_PAUL, globales=("-o", "json"))
    assert r.exit_code == 0, r.stderr
    r = cli("-o", "json", "logout", "--all")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["sessions_terminees"] == 2
    assert json_de(r)["autres_sessions"] == [operateur]
    assert cli("session", "switch", operateur).exit_code == 0
    assert _moi(cli)["identifiant"] == operateur


def test_a_session_that_ended_elsewhere_is_listed_as_no_longer_valid(cli, deux_comptes):
    operateur, paul = deux_comptes
    # The operator renews Paul's password: every session of Paul's ends.
    assert cli("session", "switch", operateur).exit_code == 0
    assert cli("password", "renew", paul, "--yes").exit_code == 0
    sessions = {s["identifiant"]: s for s in json_de(cli("-o", "json", "session", "list"))}
    assert sessions[paul]["valide"] is False and sessions[paul]["valable_jusqua"] is None
    r = cli("session", "switch", paul)
    assert r.exit_code == 0
    assert "a pris fin" in r.stderr and f"cpfadmin login {paul}" in r.stderr


def test_cpfadmin_token_overrides_the_active_account(cli, deux_comptes):
    operateur, paul = deux_comptes
    r = _se_connecter(cli, operateur, MOT_DE_PASSE_ADMIN, globales=("-o", "json"))
    assert r.exit_code == 0
    import keyring

    jeton_operateur = keyring.get_password("cpfadmin", f"default:{operateur}")
    assert jeton_operateur
    assert cli("session", "switch", paul).exit_code == 0
    assert _moi(cli, env={"CPFADMIN_TOKEN": jeton_operateur})["identifiant"] == operateur
    r = cli("session", "list", env={"CPFADMIN_TOKEN": jeton_operateur})
    assert "CPFADMIN_TOKEN" in r.stderr


def test_session_list_without_any_session(cli, initialise):
    r = cli("session", "list")
    assert r.exit_code == 0
    assert "Aucune session conservée" in r.stderr
    assert json_de(cli("-o", "json", "session", "list")) == []


def test_the_keyring_fallback_warning_is_given_once_per_profile(cli, deux_comptes):
    import keyring
    from keyring.backends import fail

    operateur, paul = deux_comptes
    keyring.set_keyring(fail.Keyring())
    premiere = _se_connecter(cli, operateur, MOT_DE_PASSE_ADMIN)
    assert premiere.exit_code == 0, premiere.stderr
    assert "lisible par vous seul" in premiere.stderr
    for identifiant, mot_de_passe in ((paul, MOT_DE_PASSE_PAUL), (operateur, MOT_DE_PASSE_ADMIN)):
        r = _se_connecter(cli, identifiant, mot_de_passe)
        assert r.exit_code == 0, r.stderr
        assert "Avertissement" not in r.stderr
        assert "jeton conservé dans le fichier" in r.stderr  # where it is, still said


# --- point 10: the refused CGU at a first login -------------------------------------------------
def test_refused_cgu_at_first_login_says_the_password_is_saved_and_the_exact_command(
    cli, initialise
):
    identifiant, temporaire = initialise
    r = cli("login", identifiant, "--password-stdin", input=f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n")
    assert r.exit_code == 3
    assert "nouveau mot de passe est enregistré" in r.stderr
    assert "le mot de passe temporaire ne fonctionne plus" in r.stderr
    assert f"cpfadmin login {identifiant} --accept-cgu" in r.stderr
    r = cli("-o", "json", "login", identifiant, "--password-stdin", input=f"{temporaire}\n")
    assert r.exit_code == 3  # true: the temporary password no longer works
