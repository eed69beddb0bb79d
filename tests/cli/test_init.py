import json
from pathlib import Path

import pytest

from tests.conftest import json_de

ARGS = [
    "init",
    "--nom",
    "Martin",
    "--prenom",
    "Alice",
    "--email",
    "alice.martin@caissedesdepots.fr",
    "--telephone-mobile",
    "06 12 34 56 78",
]


def test_init_prints_the_identifiant_and_the_one_time_temporary_password(cli):
    r = cli(*ARGS)
    assert r.exit_code == 0, r.stderr
    assert "Identifiant" in r.stdout and "Mot de passe temporaire" in r.stdout
    assert "ne sera plus jamais affiché" in r.stderr


def test_init_json_output_has_snake_case_french_keys(cli):
    r = cli("-o", "json", *ARGS)
    assert r.exit_code == 0, r.stderr
    donnees = json_de(r)
    assert set(donnees) >= {"identifiant", "mot_de_passe_temporaire", "organisme_siret"}
    assert donnees["organisme_siret"] == "18002002600019"
    assert len(donnees["identifiant"]) == 8
    assert r.stderr == ""  # data only on stdout, and no chatter in JSON mode


def test_init_refuses_an_initialised_store_with_exit_6(cli):
    assert cli(*ARGS).exit_code == 0
    r = cli(*ARGS)
    assert r.exit_code == 6
    assert "déjà initialisée" in r.stderr
    assert r.stdout == ""


@pytest.mark.sqlite_only
@pytest.mark.base_absente
def test_init_creates_the_embedded_store_in_the_data_directory(cli, isolation):
    assert cli(*ARGS).exit_code == 0
    assert (isolation / "data" / "cpfadmin.db").exists()


@pytest.mark.sqlite_only
@pytest.mark.base_absente
def test_invalid_input_to_init_writes_nothing_not_even_an_empty_store(cli, isolation):
    args = list(ARGS)
    args[args.index("--email") + 1] = "pas-une-adresse"
    r = cli(*args)
    assert r.exit_code == 7
    assert "e-mail invalide" in r.stderr
    assert not (isolation / "data" / "cpfadmin.db").exists()


@pytest.mark.parametrize(
    "option, valeur, attendu",
    [
        ("--telephone-mobile", "0044 20 7946 0958", "numéro français"),
        ("--telephone-mobile", "12", "invalide"),
        ("--nom", '=HYPERLINK("x")', "ne peut pas commencer"),
        ("--prenom", "A\x07lice", "contrôle"),
    ],
)
def test_init_rejects_bad_fields_with_exit_7_and_one_french_line(cli, option, valeur, attendu):
    args = list(ARGS)
    args[args.index(option) + 1] = valeur
    r = cli(*args)
    assert r.exit_code == 7
    assert attendu in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_init_requires_a_phone(cli):
    r = cli("--no-input", "init", "--nom", "Martin", "--prenom", "Alice", "--email", "a@b.fr")
    assert r.exit_code == 2
    assert "requis" in r.stderr


def test_init_without_its_fields_and_no_terminal_is_a_usage_error(cli):
    r = cli("--no-input", "init")
    assert r.exit_code == 2
    assert "--nom" in r.stderr


def test_init_errors_are_json_on_stderr_with_o_json(cli):
    r = cli(
        "-o",
        "json",
        "init",
        "--nom",
        "M",
        "--prenom",
        "A",
        "--email",
        "x",
        "--telephone-fixe",
        "0140000000",
    )
    assert r.exit_code == 7
    erreur = json.loads(r.stderr)["erreur"]
    assert erreur["code"] == 7 and "e-mail" in erreur["message"]


@pytest.mark.sqlite_only
def test_the_store_url_can_be_given_with_db(cli, tmp_path: Path):
    fichier = tmp_path / "ailleurs" / "base.db"
    r = cli("--db", f"sqlite:///{fichier}", *ARGS)
    assert r.exit_code == 0, r.stderr
    assert fichier.exists()
