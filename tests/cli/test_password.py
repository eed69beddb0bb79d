"""``cpfadmin password``: change, renew, policy — as a user runs them."""

from __future__ import annotations

import json

from tests.conftest import MOT_DE_PASSE_ADMIN, json_de
from tests.support.console import corps, courriels, mot_de_passe_temporaire

NOUVEAU = "Une-Autre-Phrase-Solide-2027!"


def changer(cli, *lignes, options=()):
    return cli(*options, "password", "change", "--password-stdin", input="\n".join(lignes) + "\n")


def test_change_with_password_stdin(cli, operateur):
    r = changer(cli, MOT_DE_PASSE_ADMIN, NOUVEAU)
    assert r.exit_code == 0, r.stderr
    assert "Mot de passe modifié" in r.stderr
    assert cli("me").exit_code == 0  # this session stays
    r = cli("login", operateur, "--password-stdin", input=NOUVEAU + "\n")
    assert r.exit_code == 0, r.stderr


def test_change_with_a_wrong_current_password_exits_3(cli, operateur):
    r = changer(cli, "Pas-Le-Bon-Mot-De-Passe-1", NOUVEAU)
    assert r.exit_code == 3
    assert "Mot de passe actuel incorrect" in r.stderr


def test_change_to_a_weak_password_exits_7_naming_the_rule(cli, operateur):
    r = changer(cli, MOT_DE_PASSE_ADMIN, "Azerty-123")
    assert r.exit_code == 7
    assert "trop court" in r.stderr
    r = changer(cli, MOT_DE_PASSE_ADMIN, MOT_DE_PASSE_ADMIN)
    assert r.exit_code == 7 and "derniers" in r.stderr


def test_change_needs_two_lines(cli, operateur):
    r = changer(cli, MOT_DE_PASSE_ADMIN)
    assert r.exit_code == 2


def _gestionnaire(cli) -> str:
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
    return json_de(r)["identifiant"]


def test_renew_emails_a_temporary_password_that_forces_a_change(cli, operateur):
    identifiant = _gestionnaire(cli)
    r = cli("password", "renew", identifiant, "--yes")
    assert r.exit_code == 0, r.stderr
    assert "paul.durand@example.fr" in r.stdout
    dernier = courriels()[-1]
    assert dernier["To"] == "paul.durand@example.fr"
    assert "Renouvellement" in dernier["Subject"]
    assert identifiant not in corps(dernier)
    temporaire = mot_de_passe_temporaire("paul.durand@example.fr")
    assert temporaire not in r.stdout + r.stderr
    # The gestionnaire's forced change, with the e-mailed password.
    r = cli(
        "login",
        identifiant,
        "--password-stdin",
        "--accept-cgu",
        input=f"{temporaire}\nGestion-Lyon-2027!\n",
    )
    assert r.exit_code == 0, r.stderr
    assert "mot de passe a été modifié" in r.stderr


def test_renew_of_ones_own_password_points_to_password_change(cli, operateur):
    r = cli("password", "renew", operateur, "--yes")
    assert r.exit_code == 4
    assert "cpfadmin password change" in r.stderr


def test_renew_of_an_unknown_account_exits_5(cli, operateur):
    assert cli("password", "renew", "ZZZZZZZZ", "--yes").exit_code == 5


def test_renew_errors_are_json_with_o_json(cli, operateur):
    r = cli("-o", "json", "password", "renew", operateur, "--yes")
    assert json.loads(r.stderr)["erreur"]["code"] == 4


def test_policy_shows_the_callers_rules(cli, operateur):
    r = cli("password", "policy")
    assert r.exit_code == 0
    assert "16" in r.stdout and "365 jours" in r.stdout and "24 heures" in r.stdout
    donnees = json_de(cli("-o", "json", "password", "policy"))
    assert donnees["longueur_min"] == 16 and donnees["historique"] == 5


def test_password_commands_need_a_session(cli, initialise):
    for args in (("password", "policy"), ("password", "renew", "ABCDEFGH", "--yes")):
        assert cli(*args).exit_code == 3


def test_password_change_is_no_guessing_oracle_for_a_stolen_session(cli, operateur):
    """Issue 13, point 4: wrong current passwords count toward the lockout; at the lock the
    session ends, and while locked even the right current password is refused."""
    for _ in range(4):
        r = changer(cli, "Pas-Le-Bon-Mot-De-Passe-1", NOUVEAU)
        assert r.exit_code == 3 and "Mot de passe actuel incorrect." in r.stderr
    r = changer(cli, "Pas-Le-Bon-Mot-De-Passe-1", NOUVEAU)
    assert r.exit_code == 3
    assert "le compte est maintenant verrouillé" in r.stderr
    assert "toutes ses sessions sont terminées" in r.stderr
    assert cli("me").exit_code == 3  # the session that guessed is over
    # locked: neither a login nor a change with the right password gets in
    r = cli("login", operateur, "--password-stdin", input=MOT_DE_PASSE_ADMIN + "\n")
    assert r.exit_code == 3
