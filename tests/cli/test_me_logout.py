import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN, json_de


def test_me_without_a_session_exits_3_and_suggests_login(cli, initialise):
    r = cli("me")
    assert r.exit_code == 3
    assert "cpfadmin login" in r.stderr


@pytest.mark.base_absente
def test_me_on_a_missing_store_exits_8_and_suggests_init(cli):
    r = cli("me")
    assert r.exit_code == 8
    assert "cpfadmin init" in r.stderr


def test_me_shows_profile_organisme_role_session_token_place_and_menu(cli, operateur):
    r = cli("me")
    assert r.exit_code == 0, r.stderr
    for attendu in (
        operateur,
        "Caisse des Dépôts et Consignations",
        "adm. principal",  # the rôle reads as in every table
        "Session valable jusqu'au",
        "Jeton conservé dans",
        "Menu",
        "Gérer les habilitations",
        "default",
    ):
        assert attendu in r.stdout


def test_me_json_has_the_documented_keys(cli, operateur):
    donnees = json_de(cli("-o", "json", "me"))
    assert donnees["identifiant"] == operateur
    assert donnees["organisme_siret"] == "18002002600019"
    assert donnees["role"] == "administrateur_principal"
    assert donnees["operateur"] is True
    assert donnees["telephone_mobile"] == "+33612345678"
    assert donnees["profil"] == "default"
    assert donnees["cgu_version_acceptee"] == "1.0"
    assert "session_expire_le" in donnees and "stockage_jeton" in donnees
    assert [f["libelle"] for f in donnees["menu"]] == [
        "Mes données personnelles",
        "Gérer les habilitations",
    ]


def test_me_csv_is_one_header_and_one_row(cli, operateur):
    r = cli("-o", "csv", "me")
    lignes = r.stdout.strip().splitlines()
    assert len(lignes) == 2 and lignes[0].startswith("identifiant;")


def test_cpfadmin_token_overrides_the_stored_token(cli, operateur, monkeypatch):
    r = cli("me", env={"CPFADMIN_TOKEN": "cpf_faux"})
    assert r.exit_code == 3
    donnees = json_de(cli("-o", "json", "me"))
    assert donnees["identifiant"] == operateur


def test_logout_ends_the_session_and_forgets_the_token(cli, operateur):
    r = cli("logout")
    assert r.exit_code == 0, r.stderr
    assert "Déconnecté" in r.stderr
    assert cli("me").exit_code == 3
    assert cli("logout").exit_code == 3


def test_logout_all_ends_every_session_of_the_account(cli, operateur):
    from cpfadmin.cli.context import contexte

    # A second session of the same account, kept aside as a script would with CPFADMIN_TOKEN.
    r = cli("-o", "json", "login", operateur, "--password-stdin", input=MOT_DE_PASSE_ADMIN + "\n")
    assert r.exit_code == 0
    jeton = contexte().coffre().lire().jeton
    r = cli("-o", "json", "logout", "--all")
    assert json_de(r)["sessions_terminees"] == 2
    assert cli("me", env={"CPFADMIN_TOKEN": jeton}).exit_code == 3


@pytest.mark.sqlite_only
def test_a_second_profile_keeps_its_own_session_and_store(cli, operateur, isolation):
    with (isolation / "config.toml").open("a") as f:
        f.write("\n[profiles.essai]\n")
    r = cli("--profile", "essai", "me")
    assert r.exit_code == 8  # its own (missing) store: cpfadmin-essai.db
    assert "cpfadmin-essai.db" in r.stderr
    assert cli("me").exit_code == 0


def test_unknown_profile_is_invalid_input(cli, operateur):
    r = cli("--profile", "inexistant", "me")
    assert r.exit_code == 7
    assert "Profil inconnu" in r.stderr
