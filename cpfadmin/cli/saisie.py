"""Reading what the user types: hidden prompts on a terminal, stdin for scripts, and a clean
usage error (exit 2) when input is needed but not allowed."""

from __future__ import annotations

import sys

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.domain.errors import SaisieRequise


def lignes_stdin(nombre: int) -> list[str]:
    """The first ``nombre`` lines of stdin, without their line terminators."""
    lignes = sys.stdin.read().splitlines()
    return [ligne.rstrip("\r") for ligne in lignes[:nombre]]


def exiger_interactif(quoi: str, option: str | None = None) -> None:
    if not contexte().interactif:
        conseil = f" (utilisez {option})" if option else ""
        raise SaisieRequise(f"{quoi} requis et aucune saisie n'est possible{conseil}.")


def demander(texte: str, *, option: str | None = None) -> str:
    exiger_interactif(texte, option)
    return typer.prompt(texte, err=True).strip()


def demander_secret(texte: str, *, confirmer: bool = False, option: str | None = None) -> str:
    exiger_interactif(texte, option)
    return typer.prompt(
        texte,
        hide_input=True,
        confirmation_prompt="Confirmez" if confirmer else False,
        err=True,
    )


OUI = ("o", "oui", "y", "yes")
NON = ("", "n", "non", "no")


def confirmer(texte: str) -> bool:
    """A French yes/no question; no by default."""
    while True:
        reponse = typer.prompt(f"{texte} [o/N]", default="", show_default=False, err=True)
        reponse = reponse.strip().lower()
        if reponse in OUI:
            return True
        if reponse in NON:
            return False
        typer.echo("Répondez « o » (oui) ou « n » (non).", err=True)
