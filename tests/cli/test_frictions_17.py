"""A newcomer's first hour at a real terminal (issue 11, point 17 a, b, d, e): an empty list says
so in French (on stderr: stdout stays empty for scripts), a removal and a password renewal ask
for confirmation at a terminal (``--yes`` gives it beforehand, and a script without it is told
so), a gestionnaire refused a consultation is told what he may not consult and whom to ask, and
``gestionnaires add --help`` says which options are required."""

from __future__ import annotations

import re

import pytest

from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    courriels,
    employeur_inscrit,
    empreinte,
)
from tests.support.terminal import Terminal

SIRET_VIDE = "44306184100013"  # an organisme registered without any account


@pytest.fixture
def monde(console, operateur):
    """(operator's token, principal admin's token, a gestionnaire's identifiant)."""
    op, _, jeton_ap = employeur_inscrit(console, operateur)
    lea = console.ajouter(jeton_ap, "Petit", "Léa", "lea.petit@lumiere.example")
    return op, jeton_ap, lea


def _statut(console, jeton, identifiant):  # type: ignore[no-untyped-def]
    return console.json("gestionnaires", "show", identifiant, jeton=jeton)["statut"]


# --- (a) an empty list says so ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("qui", "args", "phrase"),
    [
        ("ap", ("unites", "list"), "Aucune unité. → cpfadmin unites add LIBELLÉ"),
        ("op", ("gestionnaires", "list", "--organisme", SIRET_VIDE), "Aucun gestionnaire."),
        ("ap", ("gestionnaires", "list", "--search", "zzzz"), "Aucun compte ne correspond"),
        ("ap", ("outbox", "list", "--statut", "echec"), "Aucun message au statut « échec »."),
        ("ap", ("audit", "list", "--action", "cgu_publiees"), "Aucun événement ne correspond"),
        ("op", ("organismes", "list", "--search", "zzzz"), "Aucun organisme ne correspond"),
    ],
)
def test_an_empty_table_says_so_on_stderr_and_leaves_stdout_empty(
    console, monde, qui, args, phrase
):
    op, jeton_ap, _ = monde
    jeton = {"op": op, "ap": jeton_ap}[qui]
    if args[-1] == SIRET_VIDE:
        console.creer_organisme(op, SIRET_VIDE, "Organisme Sans Compte")
    r = console.ok(*args, jeton=jeton)
    assert r.stdout == ""
    assert phrase in r.stderr
    assert "0 compte(s)" not in r.stderr
    # Scripts read what they read before: [] in JSON, the header alone in CSV, no sentence.
    j = console.ok("-o", "json", *args, jeton=jeton)
    assert j.stdout.strip() == "[]" and "Aucun" not in j.stderr
    c = console.ok("-o", "csv", *args, jeton=jeton)
    assert len(c.stdout.splitlines()) == 1 and "Aucun" not in c.stderr


def test_an_empty_list_at_a_terminal_says_so(console, monde):
    _, jeton_ap, _ = monde
    terminal = Terminal(["unites", "list"], env={"CPFADMIN_TOKEN": jeton_ap})
    assert terminal.fin() == 0, terminal.lu
    assert "Aucune unité." in terminal.lu
    assert "─" not in terminal.lu  # no empty table


# --- (b) confirmation of a removal and of a password renewal ----------------------------------
QUESTION_SUPPRESSION = (
    r"Supprimer le compte {} \(Léa Petit, lea\.petit@lumiere\.example\) \? \[o/N\]"
)
QUESTION_RENOUVELLEMENT = r"Renouveler le mot de passe du compte {} \(Léa Petit, .*\[o/N\]"


def test_remove_at_a_terminal_asks_and_yes_removes(console, monde):
    _, jeton_ap, lea = monde
    terminal = Terminal(["gestionnaires", "remove", lea], env={"CPFADMIN_TOKEN": jeton_ap})
    terminal.attendre(QUESTION_SUPPRESSION.format(lea))
    terminal.taper("o\n")
    assert terminal.fin() == 0, terminal.lu
    assert f"Compte {lea} supprimé." in terminal.lu
    assert _statut(console, jeton_ap, lea) == "supprime"


def test_remove_at_a_terminal_answered_no_changes_nothing(console, monde):
    _, jeton_ap, lea = monde
    avant = empreinte(console.url)
    terminal = Terminal(["gestionnaires", "remove", lea], env={"CPFADMIN_TOKEN": jeton_ap})
    terminal.attendre(QUESTION_SUPPRESSION.format(lea))
    terminal.taper("n\n")
    assert terminal.fin() == 130, terminal.lu
    assert f"Abandon : le compte {lea} n'est pas supprimé." in terminal.lu
    assert empreinte(console.url) == avant
    assert _statut(console, jeton_ap, lea) == "actif"


def test_renew_at_a_terminal_asks_and_yes_renews(console, monde):
    _, jeton_ap, lea = monde
    envoyes = len(courriels())
    terminal = Terminal(["password", "renew", lea], env={"CPFADMIN_TOKEN": jeton_ap})
    terminal.attendre(QUESTION_RENOUVELLEMENT.format(lea))
    terminal.taper("o\n")
    assert terminal.fin() == 0, terminal.lu
    assert len(courriels()) == envoyes + 1
    assert courriels()[-1]["To"] == "lea.petit@lumiere.example"


def test_renew_at_a_terminal_answered_no_changes_nothing(console, monde):
    _, jeton_ap, lea = monde
    avant, envoyes = empreinte(console.url), len(courriels())
    terminal = Terminal(["password", "renew", lea], env={"CPFADMIN_TOKEN": jeton_ap})
    terminal.attendre(QUESTION_RENOUVELLEMENT.format(lea))
    terminal.taper("n\n")
    assert terminal.fin() == 130, terminal.lu
    assert "n'est pas renouvelé" in terminal.lu
    assert empreinte(console.url) == avant
    assert len(courriels()) == envoyes


@pytest.mark.parametrize("commande", [("gestionnaires", "remove"), ("password", "renew")])
def test_without_a_terminal_and_without_yes_it_is_a_usage_error_naming_yes(
    console, monde, commande
):
    _, jeton_ap, lea = monde
    avant, envoyes = empreinte(console.url), len(courriels())
    r = console(*commande, lea, jeton=jeton_ap)  # stdin is not a terminal
    assert r.exit_code == 2, r.stderr
    assert "--yes" in r.stderr and "Confirmation requise" in r.stderr
    assert r.stdout == ""
    assert empreinte(console.url) == avant and len(courriels()) == envoyes
    console.ok(*commande, lea, "-y", jeton=jeton_ap)  # -y confirms beforehand


def test_no_input_at_a_terminal_refuses_without_asking(console, monde):
    _, jeton_ap, lea = monde
    terminal = Terminal(
        ["--no-input", "gestionnaires", "remove", lea], env={"CPFADMIN_TOKEN": jeton_ap}
    )
    assert terminal.fin() == 2, terminal.lu
    assert "[o/N]" not in terminal.lu and "--yes" in terminal.lu
    assert _statut(console, jeton_ap, lea) == "actif"


# --- (d) a gestionnaire is told what he may not consult ---------------------------------------
@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("unites", "list"), "Un gestionnaire ne consulte pas les unités de son organisme"),
        (("gestionnaires", "list"), "Un gestionnaire ne consulte pas les comptes de son organisme"),
        (("gestionnaires", "export"), "Un gestionnaire n'exporte pas les comptes"),
        (("audit", "list"), "Un gestionnaire ne consulte pas le journal d'audit"),
        (("outbox", "list"), "Un gestionnaire ne consulte pas les messages"),
        (
            ("unites", "add", "Paie"),
            "Un gestionnaire ne crée, ne renomme ni ne supprime les unités",
        ),
    ],
)
def test_a_gestionnaire_is_told_what_he_may_not_consult_and_whom_to_ask(
    console, monde, args, phrase
):
    _, _, lea = monde
    jeton = console.premiere_connexion(lea, "lea.petit@lumiere.example", MOT_DE_PASSE_ADMIN)
    r = console(*args, jeton=jeton)
    assert r.exit_code == 4, r.stderr
    assert phrase in r.stderr
    assert "demandez à votre administrateur." in r.stderr
    assert "ne permet pas" not in r.stderr
    assert r.stdout == ""


# --- (e) add --help marks what is required ----------------------------------------------------
def test_add_help_marks_the_required_options_and_the_phones(cli):
    r = cli("gestionnaires", "add", "--help", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    lignes = {m[1]: m[2] for m in re.finditer(r"^│\s+(--[a-z-]+)\s+(.*?)\s*│$", r.stdout, re.M)}
    for option in ("--nom", "--prenom", "--email"):
        assert lignes[option].endswith("[obligatoire]"), lignes[option]
    for option in ("--telephone-fixe", "--telephone-mobile"):
        assert "(au moins un des deux téléphones)" in lignes[option], lignes[option]
    for option in ("--organisme", "--unite", "--niveau", "--delegue"):
        assert "obligatoire" not in lignes[option], lignes[option]


def _aide_des_options(cli, *commande: str) -> dict[str, str]:
    r = cli(*commande, "--help", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    return {m[1]: m[2] for m in re.finditer(r"^│\s+(--[a-z-]+)\s+(.*?)\s*│$", r.stdout, re.M)}


def test_init_help_marks_the_first_operators_required_options(cli):
    lignes = _aide_des_options(cli, "init")
    for option in ("--nom", "--prenom", "--email"):
        assert lignes[option].endswith("[obligatoire]"), lignes[option]
    for option in ("--telephone-fixe", "--telephone-mobile"):
        assert "au moins un des deux téléphones" in lignes[option], lignes[option]


def test_designate_admin_help_says_what_a_new_account_requires(cli):
    lignes = _aide_des_options(cli, "organismes", "designate-admin")
    for option in ("--nom", "--prenom", "--email"):
        assert lignes[option].endswith(
            "[obligatoire pour un nouveau compte, sans --identifiant]"
        ), lignes[option]
    for option in ("--telephone-fixe", "--telephone-mobile"):
        assert "nouveau compte : au moins un des deux téléphones" in lignes[option]
    assert "obligatoire" not in lignes["--identifiant"]
