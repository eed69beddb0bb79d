"""Reading what the user types: hidden prompts on a terminal, stdin for scripts, and a clean
usage error (exit 2) when input is needed but not allowed."""

from __future__ import annotations

import sys
from collections.abc import Callable

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


def demander_secret(texte: str, *, option: str | None = None) -> str:
    """A hidden prompt. Ctrl-C there: Click has already ended the line (the cursor is at the
    start of a new one), which the boundary is told so as not to add an empty line."""
    from typer import Abort

    exiger_interactif(texte, option)
    try:
        return typer.prompt(texte, hide_input=True, err=True)
    except Abort as e:
        e.ligne_neuve = True  # type: ignore[attr-defined]
        raise


def signaler_erreur(message: str, *, code: int = 7) -> None:
    """An error of one step at a prompt (the step is asked again), or one shown before an
    interruption: « Erreur : … » on stderr, or with ``-o json`` one JSON line
    ``{"erreur": {"code": …, "message": …}}``, like errors."""
    from cpfadmin.cli.context import _ecrire_erreur

    if contexte().sortie == "json":
        import json

        corps = {"erreur": {"code": code, "message": message}}
        sys.stderr.write(json.dumps(corps, ensure_ascii=False) + "\n")
        sys.stderr.flush()
        return
    _ecrire_erreur(message, prefixe="Erreur : ", style="red")


SAISIES_DIFFERENTES = "Les deux saisies du nouveau mot de passe sont différentes."


def demander_nouveau_mot_de_passe(verifier: Callable[[str], None], *, essais: int) -> str:
    """The new password, at a hidden prompt: checked against the policy right after the first
    entry (``verifier`` raises ``MotDePasseNonConforme``), then confirmed. A rejection or a
    mismatch is an error of this step, shown, and the step starts again, ``essais`` times at
    most; the last one's error is raised."""
    from cpfadmin.domain.errors import DonneeInvalide, MotDePasseNonConforme

    for essai in range(1, essais + 1):
        dernier = essai == essais
        candidat = demander_secret("Nouveau mot de passe")
        try:
            verifier(candidat)
        except MotDePasseNonConforme as e:
            if dernier:
                raise
            from cpfadmin.cli.redaction import message

            signaler_erreur(f"{message(e)} Essayez un autre mot de passe.")
            continue
        if demander_secret("Confirmez le nouveau mot de passe") == candidat:
            return candidat
        if dernier:
            raise DonneeInvalide(SAISIES_DIFFERENTES, champ="mot_de_passe")
        signaler_erreur(f"{SAISIES_DIFFERENTES} Recommencez.")
    raise AssertionError("essais >= 1")  # pragma: no cover


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


def exiger_confirmation(
    action: str, question: Callable[[], str], abandon: str, *, oui: bool
) -> None:
    """Before an act that cannot be taken back (a removal, a password renewed and e-mailed):
    ``--yes`` goes ahead; a person at a terminal is asked ``question()`` (no by default; no
    ends the command with ``abandon``, exit 130 like an interruption, nothing changed); without a terminal or with
    --no-input, a usage error (exit 2) naming --yes. ``action`` completes « pour … »."""
    if oui:
        return
    ctx = contexte()
    if not ctx.interactif:
        raise SaisieRequise(
            f"Confirmation requise pour {action} et aucune saisie n'est possible "
            "(ajoutez --yes pour confirmer d'avance)."
        )
    if not confirmer(question()):
        ctx.info(abandon)
        raise typer.Exit(130)  # the person stopped it: « interrompu », not an error
