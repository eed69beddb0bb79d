"""The error boundary: exit codes, French messages on stderr, no traceback without --debug."""

import json

import pytest

from cpfadmin import __version__


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"cpfadmin {__version__}"


def test_unknown_option_is_a_french_usage_error_with_exit_2(cli):
    r = cli("me", "--inconnue")
    assert r.exit_code == 2
    assert "Option inconnue" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_command_is_a_usage_error(cli):
    r = cli("nimporte")
    assert r.exit_code == 2
    assert "Commande inconnue" in r.stderr


def test_bad_output_format_is_a_usage_error(cli):
    assert cli("-o", "xml", "me").exit_code == 2


def test_usage_errors_are_json_with_o_json(cli):
    r = cli("-o", "json", "me", "--inconnue")
    assert r.exit_code == 2
    assert json.loads(r.stderr)["erreur"]["code"] == 2


@pytest.fixture
def panne(monkeypatch):
    """A service that fails in an unexpected way."""
    from cpfadmin.services import comptes

    def casse(*_args, **_kwargs):
        raise RuntimeError("détail interne")

    monkeypatch.setattr(comptes, "profil", casse)


def test_an_unexpected_error_gives_exit_1_one_line_and_no_traceback(cli, operateur, panne):
    r = cli("me")
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr
    assert "--debug" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(cli, operateur, panne):
    r = cli("--debug", "me")
    assert r.exit_code == 1
    assert "Traceback" in r.stderr and "détail interne" in r.stderr


def _chemins_de_commandes():  # type: ignore[no-untyped-def]
    """Every group and command of the CLI, as the words that name it."""
    import typer

    from cpfadmin.cli.main import app

    def parcourir(commande, chemin):  # type: ignore[no-untyped-def]
        yield chemin
        for nom, sous in getattr(commande, "commands", {}).items():
            yield from parcourir(sous, [*chemin, nom])

    return list(parcourir(typer.main.get_command(app), []))


ANGLAIS_DANS_L_AIDE = ("Usage:", "Commands", "Show this message", "[default:", "[required]")


def test_the_help_of_every_group_and_command_is_in_french(cli):
    chemins = _chemins_de_commandes()
    assert len(chemins) > 30
    for chemin in chemins:
        r = cli(*chemin, "--help")
        assert r.exit_code == 0, (chemin, r.stderr)
        assert r.stdout.lstrip().startswith(f"Utilisation : cpfadmin {' '.join(chemin)}".strip())
        assert not [mot for mot in ANGLAIS_DANS_L_AIDE if mot in r.stdout], (chemin, r.stdout)
        assert "Exemple" in r.stdout, chemin  # every command's help has an example


@pytest.mark.parametrize("groupe", ["", "gestionnaires", "unites", "organismes", "db", "audit"])
def test_a_group_named_alone_shows_its_help_in_french(cli, groupe):
    r = cli(*(["-o", "json", groupe] if groupe else []))
    assert "Utilisation : cpfadmin" in r.stdout, r.stdout
    assert "COMMANDE [ARGUMENTS]..." in r.stdout and "─ Commandes ─" in r.stdout
    assert not [mot for mot in ANGLAIS_DANS_L_AIDE if mot in r.stdout], r.stdout
