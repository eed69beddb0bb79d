"""Messages that fit any front end (issue 14): outside the CLI, a message or a suggestion names
an option or a command as a structured hint (``Option``, ``Commande``), which each front end
words its own way — never as a command line's ``--option`` or ``cpfadmin groupe``."""

from __future__ import annotations

import ast
import re

import pytest

from tests.unit.test_import_direction import PAQUET, modules

GROUPES = (
    "init", "login", "logout", "me", "password", "organismes", "gestionnaires", "unites", "cgu",
    "audit", "outbox", "db", "politique", "session",
)  # fmt: skip
# What a command line's wording looks like inside a string.
FORMULATION_CLI = re.compile(
    r"(?<![\w-])--[a-z][a-z-]+|\bcpfadmin (?:" + "|".join(GROUPES) + r")\b"
)


def docstrings(arbre: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (they may quote the CLI)."""
    ids = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            corps = noeud.body
            if (
                corps
                and isinstance(corps[0], ast.Expr)
                and isinstance(corps[0].value, ast.Constant)
            ):
                ids.add(id(corps[0].value))
    return ids


def formulations(fichier, racine=PAQUET.parent) -> list[str]:  # type: ignore[no-untyped-def]
    arbre = ast.parse(fichier.read_text(encoding="utf-8"))
    exclus = docstrings(arbre)
    trouve = []
    for noeud in ast.walk(arbre):
        if (
            isinstance(noeud, ast.Constant)
            and isinstance(noeud.value, str)
            and id(noeud) not in exclus
        ):
            for m in FORMULATION_CLI.finditer(noeud.value):
                trouve.append(f"{fichier.relative_to(racine)}:{noeud.lineno} « {m.group()} »")
    return trouve


# The e-mails (domain/messages.py) address a person, who may type the command: they say it.
EXCEPTIONS = {"messages.py"}


@pytest.mark.parametrize("couche", ["domain", "services", "application", "adapters", "store"])
def test_no_layer_but_the_cli_words_an_option_or_a_command(couche):
    trouve = [t for f in modules(couche) if f.name not in EXCEPTIONS for t in formulations(f)]
    assert trouve == []


def test_the_check_sees_a_flag_in_a_message_but_not_in_a_docstring(tmp_path):
    f = tmp_path / "essai.py"
    f.write_text(
        '"""Run with --dry-run."""\n'
        "def f():\n"
        '    """See cpfadmin gestionnaires list."""\n'
        '    raise ValueError("indiquez --organisme SIRET, ou cpfadmin unites add")\n',
        encoding="utf-8",
    )
    assert [t.split(" ", 1)[1] for t in formulations(f, tmp_path)] == [
        "« --organisme »",
        "« cpfadmin unites »",
    ]
