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
    from cpfadmin.services import courrier

    ctx = contexte()
    acteur = ctx.acteur()
    messages = ctx.executer(
        lambda uow: courrier.lister(uow, acteur, statut=statut, limite=limit), lecture=True
    )
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
    acteur = ctx.acteur()
    rapport = ctx.livrer(acteur, avertir=False, exiger=True, essais_immediats=3)
    ctx.afficher(
        rapport.as_dict()
        if ctx.sortie == "json"
        else {
            "envoyes": rapport.envoyes,
            "expires": rapport.expires,
            "echecs": len(rapport.echecs),
            "en_attente": rapport.restants,
        },
        colonnes=colonnes("envoyes", "expires", "echecs", "en_attente")
        if ctx.sortie != "json"
        else None,
    )
    if rapport.echecs:
        raise StockageIndisponible(
            f"{len(rapport.echecs)} message(s) non remis : {rapport.echecs[0][2]}"
        )
