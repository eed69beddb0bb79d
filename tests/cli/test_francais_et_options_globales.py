"""Issue 11, points 4, 5 and 17: global options anywhere on the line (like gh and kubectl);
French everywhere, including what Typer, its Click and Pydantic say on their own; a usage
error points to the help of the command that failed."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import typer

from cpfadmin.cli.main import app, globales_devant
from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.processus import (
    commande,
    cpfadmin,
    environnement,
    initialiser,
    premiere_connexion,
)

# What Typer, Click and Pydantic say in English when left alone.
ANGLAIS = re.compile(
    r"Usage:|Error:|Options:|Commands:|Arguments:|<bool>|<int|<str>|<float>|<path>|range\]|"
    r"x<=|x>=|\{[a-z_]+\}|Show this|Install completion|Show completion|Possible options|"
    r"Missing|Invalid value|No such|Got unexpected|Input should|Value error|is not one of|"
    r"is not a valid|requires an argument|does not take|Did you mean|\[default|env var|"
    r"\[required\]|Try '|completion installed|will take effect|Aborted"
)


def _commandes(groupe=None, chemin=()):  # type: ignore[no-untyped-def]
    groupe = groupe or typer.main.get_command(app)
    yield chemin, groupe
    for nom, sous in getattr(groupe, "commands", {}).items():
        yield from _commandes(sous, (*chemin, nom))


COMMANDES = list(_commandes())
FEUILLES = [(c, cmd) for c, cmd in COMMANDES if not hasattr(cmd, "commands")]


def _nom(chemin: tuple[str, ...]) -> str:
    return " ".join(chemin) or "cpfadmin"


def _sans_anglais(texte: str, contexte: str) -> None:
    trouve = ANGLAIS.search(texte)
    assert trouve is None, f"anglais « {trouve.group(0)} » dans {contexte} :\n{texte}"


# --- French everywhere ------------------------------------------------------------------------
@pytest.mark.parametrize("chemin", [c for c, _ in COMMANDES], ids=_nom)
def test_every_help_page_is_french_to_the_last_word(cli, chemin: tuple[str, ...]) -> None:
    r = cli(*chemin, "--help")
    assert r.exit_code == 0, r.stderr
    _sans_anglais(r.stdout, f"cpfadmin {' '.join(chemin)} --help")
    assert "Utilisation : cpfadmin" in r.stdout


def _erreurs_d_usage(chemin: tuple[str, ...], commande) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """The usage errors a person can make with this command: an unknown option, a missing
    argument, a value of the wrong kind or out of range, an unknown choice."""
    essais: list[tuple[str, ...]] = [(*chemin, "--zz-inconnue")]
    requis = [p for p in commande.params if p.param_type_name == "argument" and p.required]
    if requis:
        essais.append(chemin)
    for p in commande.params:
        if p.param_type_name != "option" or p.is_flag or p.name == "help":
            continue
        desc = p.type_descriptor
        option = p.opts[0]
        valeurs = [a.value for a in getattr(desc, "choices", None) or ()]
        if valeurs:
            essais.append((*chemin, option, "zz-inconnu"))
        elif desc.is_ranged or p.bare_type() in ("int", "float"):
            essais.append((*chemin, option, "abc"))
            if p.min is not None:
                essais.append((*chemin, option, str(p.min - 1)))
        essais.append((*chemin, option))  # the value forgotten
    return essais


ERREURS = [e for chemin, cmd in FEUILLES for e in _erreurs_d_usage(chemin, cmd)]


@pytest.mark.parametrize("args", ERREURS, ids=lambda a: " ".join(a))
def test_every_usage_error_is_french_and_points_to_the_commands_own_help(
    cli, args: tuple[str, ...]
) -> None:
    r = cli(*args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert r.stdout == ""
    lignes = r.stderr.splitlines()
    assert lignes[0].startswith("Erreur : "), r.stderr
    _sans_anglais(r.stderr, " ".join(args))
    commande = " ".join(a for a in args if not a.startswith("-") and a not in ("abc", "zz-inconnu"))
    commande = re.sub(r" -?\d+$", "", commande)
    assert lignes[-1] == f"Voir « cpfadmin {commande} --help ».".replace("  ", " "), r.stderr


def test_a_value_of_the_wrong_kind_names_the_option_and_what_is_expected(cli) -> None:
    r = cli("outbox", "list", "--limit", "douze")
    assert r.stderr.splitlines()[0] == (
        "Erreur : Valeur invalide pour --limit : un nombre entier est attendu (reçu : « douze »)"
    )
    r = cli("outbox", "list", "--limit", "0")
    assert "doit être supérieur ou égal à 1" in r.stderr
    r = cli("-o", "yaml", "me")
    assert "'yaml' n'est pas parmi 'table', 'json', 'csv'" in r.stderr


def test_help_shows_french_types_and_ranges_and_no_type_for_flags(cli) -> None:
    aide = cli("outbox", "list", "--help").stdout
    assert "<entier> [de 1 à 1000000]" in aide
    assert re.search(r"--help\s+-h\s+Afficher", aide), aide  # a flag shows no <bool>
    assert (
        "Utilisation : cpfadmin gestionnaires show [OPTIONS] IDENTIFIANT"
        in cli("gestionnaires", "show", "--help").stdout
    )


def _sous_sh(*args: str, env: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    """``cpfadmin ARGS`` started by ``sh -c``, as a CI job or a script runs it: the shell the
    process detects is ``sh``, which has no completion."""
    ligne = " ".join(shlex.quote(a) for a in commande(*args)) + "; exit $?"
    return subprocess.run(
        ["sh", "-c", ligne], capture_output=True, text=True, env=environnement(env), check=False
    )


def test_the_completion_installer_speaks_french_for_the_shell_named(isolation: Path) -> None:
    r = _sous_sh("--install-completion", "bash", env={"SHELL": "/bin/sh"})
    assert r.returncode == 0, r
    assert "Complétion bash installée dans" in r.stdout
    assert "nouveau terminal" in r.stdout
    _sans_anglais(r.stdout + r.stderr, "--install-completion")
    assert (Path.home() / ".bashrc").read_text().count("cpfadmin") >= 1


def test_the_completion_installer_falls_back_on_the_login_shell(isolation: Path) -> None:
    r = _sous_sh("--install-completion", env={"SHELL": "/usr/bin/fish"})
    assert r.returncode == 0, r
    assert "Complétion fish installée dans" in r.stdout
    assert (Path.home() / ".config/fish/completions/cpfadmin.fish").exists()


def test_the_completion_installer_names_the_shells_it_knows(isolation: Path) -> None:
    r = _sous_sh("--install-completion", env={"SHELL": None})
    assert r.returncode == 2, r
    assert r.stderr.splitlines() == [
        "Erreur : shell non reconnu ; la complétion existe pour bash, zsh, fish, powershell, pwsh.",
        "Nommez-le : cpfadmin --install-completion bash",
    ]
    assert r.stdout == ""
    assert not (Path.home() / ".bashrc").exists()


# --- global options anywhere on the line --------------------------------------------------------
def test_global_options_after_the_command_work_as_before_it(cli, operateur) -> None:
    r = cli("me", "-o", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["identifiant"] == operateur
    r = cli("outbox", "list", "-o", "json")
    assert r.exit_code == 0, r.stderr
    assert isinstance(json.loads(r.stdout), list)
    r = cli("outbox", "list", "--output=csv")
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("id;"), r.stdout
    assert cli("me", "-ojson").stdout.lstrip().startswith("{")


def test_db_profile_no_input_and_debug_are_global_anywhere(cli, operateur, tmp_path) -> None:
    autre = f"sqlite:///{tmp_path / 'autre.db'}"
    r = cli("me", "--db", autre)
    assert r.exit_code == 8 and "autre.db" in r.stderr, r.stderr  # that store, not the default
    r = cli("me", "--profile", "inconnu")
    assert r.exit_code == 7 and "Profil inconnu" in r.stderr
    r = cli("login", "--no-input")
    assert r.exit_code == 2 and "aucune saisie n'est possible" in r.stderr, r.stderr
    r = cli("me", "--debug", "-o", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["identifiant"] == operateur


def test_the_value_of_a_commands_own_option_is_never_taken_for_a_global_option() -> None:
    racine = typer.main.get_command(app)
    args = ["gestionnaires", "add", "--nom", "-o", "--prenom", "--debug", "-o", "json"]
    assert globales_devant(racine, args) == [
        "-o", "json", "gestionnaires", "add", "--nom", "-o", "--prenom", "--debug",
    ]  # fmt: skip
    assert globales_devant(racine, ["me", "--", "-o", "json"]) == ["me", "--", "-o", "json"]
    assert globales_devant(racine, ["--db", "me", "me"]) == ["--db", "me", "me"]


def test_a_global_option_typed_last_without_its_value_is_refused_in_french(cli) -> None:
    r = cli("me", "--output")
    assert r.exit_code == 2
    assert r.stderr.startswith("Erreur : Valeur invalide pour -o / --output"), r.stderr
    r = cli("me", "--db")
    assert r.exit_code == 2 and "une valeur vide n'est pas permise" in r.stderr


def test_global_options_anywhere_through_the_installed_entry_point(url_base) -> None:
    identifiant, temporaire = initialiser()
    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    r = cpfadmin("me", "-o", "json")
    assert r.code == 0, r
    assert r.json()["identifiant"] == identifiant
