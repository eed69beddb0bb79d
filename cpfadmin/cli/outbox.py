"""``cpfadmin outbox``: les messages automatiques en file et leur remise."""

from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes

app = typer.Typer(
    help="Messages automatiques (e-mails) : file d'attente et remise.\n\n"
    "Exemple : cpfadmin outbox list --statut en_attente",
    no_args_is_help=True,
)
COLONNES = colonnes(
    "id",
    "identifiant",
    "destinataire",
    "sujet",
    "statut",
    "tentatives",
    "cree_le",
    "envoye_le",
    "derniere_erreur",
)

COLONNES_TABLE = colonnes(
    "id", "identifiant", "destinataire", "statut", "tentatives", "envoye_le", "derniere_erreur"
)


@app.command("list")
def lister(
    statut: Annotated[
        str | None,
        typer.Option(
            help="en_attente, envoye, echec, expire ou remplace.",
            autocompletion=completion.statuts_message,
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(help="Nombre maximal de messages (les plus récents).", min=1, max=1_000_000),
    ] = 1000,
) -> None:
    """Lister les messages (jamais leur contenu secret).

    Exemple : cpfadmin -o json outbox list --statut echec
    """
    from cpfadmin.cli.libelles import STATUTS

    ctx = contexte()
    messages = ctx.app.courrier.lister(ctx.session(), statut=statut, limite=limit)
    ctx.afficher(
        messages,
        colonnes=COLONNES_TABLE if ctx.sortie == "table" else COLONNES,
        vide=f"Aucun message au statut « {STATUTS.get(statut, statut)} »."
        if statut
        else "Aucun message.",
    )


@app.command("send")
def envoyer() -> None:
    """Remettre les messages en attente dont l'heure est venue (nouvel essai après un échec).

    Code 8 si des messages n'ont pas pu être remis.

    Exemple : cpfadmin outbox send
    """
    from cpfadmin.domain.errors import StockageIndisponible

    ctx = contexte()
    rapport = ctx.app.courrier.envoyer(ctx.session())
    echecs = rapport["echecs"]
    ctx.afficher(
        rapport if ctx.sortie == "json" else {**rapport, "echecs": len(echecs)},
        colonnes=colonnes("envoyes", "expires", "echecs", "en_attente")
        if ctx.sortie != "json"
        else None,
    )
    if echecs:
        raise StockageIndisponible(f"{len(echecs)} message(s) non remis : {echecs[0]['erreur']}")
