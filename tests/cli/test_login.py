import json

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN, json_de


def login(cli, identifiant, *lignes, options=("--accept-cgu",), globales=()):
    return cli(
        *globales,
        "login",
        identifiant,
        "--password-stdin",
        *options,
        input="\n".join(lignes) + "\n",
    )


def test_first_login_with_password_stdin_and_accept_cgu_opens_a_session(cli, initialise):
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    assert r.exit_code == 0, r.stderr
    assert "Connecté" in r.stderr and identifiant in r.stderr
    assert "mot de passe a été modifié" in r.stderr
    assert r.stdout == ""
    assert cli("me").exit_code == 0


def test_login_json_reports_the_session(cli, initialise):
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN, globales=("-o", "json"))
    assert r.exit_code == 0, r.stderr
    donnees = json_de(r)
    assert donnees["identifiant"] == identifiant
    assert donnees["mot_de_passe_change"] is True and donnees["cgu_acceptee"] == "1.0"
    assert "trousseau" in donnees["stockage_jeton"]


def test_a_weak_new_password_exits_7_naming_the_rule(cli, initialise):
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, "motdepasse")
    assert r.exit_code == 7
    assert "trop court" in r.stderr and "16" in r.stderr
    r = login(cli, identifiant, temporaire, "abcdefghijklmnop")
    assert r.exit_code == 7
    assert "majuscule" in r.stderr
    r = login(cli, identifiant, temporaire, "Alice-Durand-2026-xyz!")
    assert r.exit_code == 7 and "prénom" in r.stderr
    # The temporary password is still usable after the rejections.
    assert login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN).exit_code == 0


def test_the_temporary_password_cannot_be_used_twice(cli, initialise):
    identifiant, temporaire = initialise
    assert login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN).exit_code == 0
    r = login(cli, identifiant, temporaire, "Autre-Phrase-De-Passe-2026!")
    assert r.exit_code == 3
    assert "Identifiant ou mot de passe incorrect" in r.stderr


def test_first_login_without_a_new_password_is_a_usage_error(cli, initialise):
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire)
    assert r.exit_code == 2
    assert "nouveau mot de passe" in r.stderr


def test_without_accept_cgu_and_no_terminal_no_session_is_opened(cli, initialise):
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN, options=())
    assert r.exit_code == 3
    assert "Conditions générales" in r.stderr and "--accept-cgu" in r.stderr
    assert cli("me").exit_code == 3
    # The new password was saved: the next login uses it and only asks for the CGU.
    assert login(cli, identifiant, MOT_DE_PASSE_ADMIN).exit_code == 0


def test_unknown_identifiant_and_wrong_password_look_the_same(cli, operateur):
    inconnu = login(cli, "ZZZZZZZZ", MOT_DE_PASSE_ADMIN)
    mauvais = login(cli, operateur, "Pas-Le-Bon-Mot-De-Passe-1")
    mal_forme = login(cli, "x", MOT_DE_PASSE_ADMIN)
    assert inconnu.exit_code == mauvais.exit_code == mal_forme.exit_code == 3
    assert inconnu.stderr == mauvais.stderr == mal_forme.stderr


def test_login_with_no_password_on_stdin_is_a_usage_error(cli, initialise):
    identifiant, _ = initialise
    r = cli("login", identifiant, "--password-stdin", input="")
    assert r.exit_code == 2


def test_login_without_identifiant_and_no_input_is_a_usage_error(cli, initialise):
    r = cli("--no-input", "login")
    assert r.exit_code == 2
    assert "Identifiant" in r.stderr


def test_login_errors_are_json_with_o_json(cli, initialise):
    identifiant, _ = initialise
    r = cli("-o", "json", "login", identifiant, "--password-stdin", input="faux\n")
    assert r.exit_code == 3
    assert json.loads(r.stderr) == {
        "erreur": {"code": 3, "message": "Identifiant ou mot de passe incorrect."}
    }


def test_interactive_first_login_asks_new_password_twice_and_the_cgu(cli, initialise, monkeypatch):
    from cpfadmin.cli.context import Contexte

    monkeypatch.setattr(Contexte, "interactif", property(lambda self: True))
    identifiant, temporaire = initialise
    saisie = (
        "\n".join(
            [
                temporaire,
                "trop-court",  # rejected at once, before any confirmation: asked again
                MOT_DE_PASSE_ADMIN,
                "Pas-La-Meme-Phrase-2026!",  # a mismatch: the step starts again
                MOT_DE_PASSE_ADMIN,
                MOT_DE_PASSE_ADMIN,
                "o",  # accept the CGU
            ]
        )
        + "\n"
    )
    r = cli("login", identifiant, input=saisie)
    assert r.exit_code == 0, r.stderr
    assert "Erreur : " in r.stderr and "trop court" in r.stderr
    assert "Les deux saisies du nouveau mot de passe sont différentes" in r.stderr
    assert "Avertissement" not in r.stderr
    assert "CONDITIONS GÉNÉRALES" in r.stderr
    assert MOT_DE_PASSE_ADMIN not in r.stdout + r.stderr
    assert temporaire not in r.stdout + r.stderr


def test_interactive_refusal_of_the_cgu_opens_no_session(cli, initialise, monkeypatch):
    from cpfadmin.cli.context import Contexte

    monkeypatch.setattr(Contexte, "interactif", property(lambda self: True))
    identifiant, temporaire = initialise
    saisie = f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n{MOT_DE_PASSE_ADMIN}\nn\n"
    r = cli("login", identifiant, input=saisie)
    assert r.exit_code == 3
    assert cli("me").exit_code == 3


@pytest.mark.parametrize("backend", ["keyring.backends.fail.Keyring"])
def test_without_a_usable_keyring_login_warns_then_keeps_the_token_in_a_0600_file(
    cli, initialise, isolation, backend
):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    assert r.exit_code == 0, r.stderr
    avertissement = r.stderr.index("Avertissement")
    assert avertissement < r.stderr.index("Connecté")
    fichier = isolation / "data" / "jetons" / f"default-{identifiant}.token"
    assert fichier.stat().st_mode & 0o777 == 0o600
    assert cli("me").exit_code == 0


def test_with_json_output_the_warning_is_a_json_line_on_stderr(cli, initialise, isolation):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    identifiant, temporaire = initialise
    r = login(cli, identifiant, temporaire, MOT_DE_PASSE_ADMIN, globales=("-o", "json"))
    assert r.exit_code == 0, r.stderr
    lignes = [json.loads(ligne) for ligne in r.stderr.splitlines()]  # JSON only, line by line
    assert len(lignes) == 1 and set(lignes[0]) == {"avertissement"}
    message = lignes[0]["avertissement"]["message"]
    assert message.startswith("Trousseau système inutilisable") and "fichier" in message
    assert json_de(r)["stockage_jeton"].startswith("fichier ")


# --- one bcrypt computation per login, started early (issue 6: login start-up) -----------------
@pytest.fixture
def compteur(monkeypatch):
    from tests.unit.test_authentifiants import CompteurBcrypt

    return CompteurBcrypt(monkeypatch)


def test_every_login_answer_costs_exactly_one_bcrypt_verification_and_no_hashing(
    cli, operateur, compteur
):
    """Unknown, malformed, wrong password, locked account, right password: each answer costs
    the same single bcrypt verification — the one anticipated from the early read of the
    store — so timing tells nothing, and no login pays for bcrypt twice."""
    cas = [
        ("identifiant inconnu", "ZZZZZZZZ", "Mauvais-Mot-De-Passe-1!", 3),
        ("identifiant mal formé", "x'--", "Mauvais-Mot-De-Passe-1!", 3),
        ("mauvais mot de passe", operateur, "Mauvais-Mot-De-Passe-1!", 3),
        ("bon mot de passe", operateur, MOT_DE_PASSE_ADMIN, 0),
    ]
    cas += [(f"échec {i}", operateur, "Mauvais-Mot-De-Passe-1!", 3) for i in range(5)]
    cas += [("compte verrouillé, bon mot de passe", operateur, MOT_DE_PASSE_ADMIN, 3)]
    for nom, identifiant, mot_de_passe, code in cas:
        compteur.verifications = compteur.hachages = 0
        compteur.fils.clear()
        r = login(cli, identifiant, mot_de_passe, options=())
        assert r.exit_code == code, (nom, r.stderr)
        assert (compteur.verifications, compteur.hachages) == (1, 0), nom
        assert compteur.fils == ["cpfadmin-bcrypt"], nom  # started early, in the background


def test_preloading_at_a_prompt_loads_in_the_background_and_never_prints(capfd):
    import sys
    import threading

    from cpfadmin.cli.session import _precharger

    sys.modules.pop("cpfadmin.store.apercu", None)
    _precharger("module_qui_n_existe_pas", "cpfadmin.store.apercu")
    for fil in threading.enumerate():
        if fil.name == "cpfadmin-prechargement":
            fil.join(10)
    assert "cpfadmin.store.apercu" in sys.modules  # loaded, after the failed one
    sortie, erreur = capfd.readouterr()
    assert sortie == "" and erreur == ""  # a failure is the main thread's to report
