"""``cpfadmin audit``: the tamper-evident journal."""

from datetime import datetime
from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.domain.audit import ACTIONS

app = typer.Typer(
    help="Journal d'audit chaîné.\n\nExemple : cpfadmin audit list --action connexion_echec",
    no_args_is_help=True,
)


def _date(valeur: str | None) -> datetime | None:
    if not valeur:
        return None
    from datetime import UTC

    from cpfadmin.domain.errors import DonneeInvalide

    try:
        date = datetime.fromisoformat(valeur)
        return date.replace(tzinfo=date.tzinfo or datetime.now().astimezone().tzinfo).astimezone(
            UTC
        )
    except (ValueError, OverflowError):
        raise DonneeInvalide(
            f"Date invalide : « {valeur[:40]} » (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM).", champ="since"
        ) from None


@app.command("list")
def lister(
    organisme: Annotated[str | None, typer.Option(help="SIRET de l'organisme.")] = None,
    since: Annotated[str | None, typer.Option(help="Depuis cette date (AAAA-MM-JJ).")] = None,
    action: Annotated[
        str | None,
        typer.Option(
            help="Type d'action : " + ", ".join(ACTIONS) + ".",
            autocompletion=completion.actions,
        ),
    ] = None,
    identifiant: Annotated[
        str | None, typer.Option(help="Événements dont ce compte est l'acteur ou la cible.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option(help="Nombre maximal d'événements (les plus récents).", min=1, max=1_000_000),
    ] = 1000,
) -> None:
    """Lister les événements d'audit (opérateurs : tous ; administrateurs : leur organisme).

    Exemple : cpfadmin audit list --action connexion_echec --since 2026-01-01
    """
    from cpfadmin.services import audit

    ctx = contexte()
    acteur = ctx.acteur()
    depuis = _date(since)
    evenements = ctx.executer(
        lambda uow: audit.lister(
            uow,
            acteur,
            organisme=organisme,
            depuis=depuis,
            action=action,
            identifiant=identifiant,
            limite=limit,
        ),
        lecture=True,
    )
    ctx.afficher(
        evenements,
        colonnes=colonnes("seq", "horodatage", "action", "acteur", "organisme", "cible", "details")
        if ctx.sortie != "table"
        # A terminal is narrow: the organisme is in JSON and CSV, and in the filters.
        else colonnes("seq", "horodatage", "action", "acteur", "cible", "details"),
        # One line per event at any width: long details end in « … » (in full with -o json).
        une_ligne=True,
        vide="Aucun événement ne correspond à ces filtres."
        if organisme or since or action or identifiant
        else "Aucun événement.",
    )


@app.command("verify")
def verify() -> None:
    """Vérifier toute la chaîne d'audit (opérateurs). Code 6 et le premier événement en cause
    si un événement a été modifié, supprimé ou déplacé.

    Exemple : cpfadmin audit verify
    """
    from cpfadmin.domain.errors import EtatIncompatible
    from cpfadmin.services import audit

    ctx = contexte()
    acteur = ctx.acteur()
    resultat = ctx.executer(lambda uow: audit.verifier(uow, acteur), lecture=True)
    if resultat.rupture is not None:
        raise EtatIncompatible(
            f"Chaîne d'audit rompue à l'événement n° {resultat.rupture.seq} : "
            f"{resultat.rupture.raison} ({resultat.evenements_verifies} événement(s) "
            "intègre(s) avant lui)."
        )
    ctx.afficher(
        {"valide": True, "evenements_verifies": resultat.evenements_verifies},
        colonnes=colonnes("valide", "evenements_verifies"),
    )
