"""``cpfadmin unites``."""

from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.cli.options import Organisme

app = typer.Typer(
    help="Unités d'un organisme (elles aident les recherches, sans limiter les accès).\n\n"
    'Exemple : cpfadmin unites add "Service paie"',
    no_args_is_help=True,
)
Libelle = Annotated[str, typer.Argument(help="Libellé de l'unité.", show_default=False)]
Existante = Annotated[
    str,
    typer.Argument(
        help="Libellé de l'unité.", show_default=False, autocompletion=completion.unites
    ),
]
COLONNES = colonnes("libelle", "comptes_actifs")


@app.command("add")
def ajouter(libelle: Libelle, organisme: Organisme = None) -> None:
    """Créer une unité ; elle se choisit ensuite par son nom (sans égard à la casse).

    Exemple : cpfadmin unites add "Service paie" --organisme 73282932000074
    """
    ctx = contexte()
    vue = ctx.app.unites.ajouter(ctx.session(), libelle, organisme=organisme)
    ctx.afficher(vue, colonnes=COLONNES)


@app.command("list")
def lister(organisme: Organisme = None) -> None:
    """Lister les unités et le nombre de comptes actifs de chacune.

    Exemple : cpfadmin unites list
    """
    ctx = contexte()
    ctx.afficher(
        ctx.app.unites.lister(ctx.session(), organisme=organisme),
        colonnes=COLONNES,
        vide="Aucune unité. → cpfadmin unites add LIBELLÉ",
    )


@app.command("rename")
def renommer(
    ancien: Annotated[
        str,
        typer.Argument(
            help="Libellé actuel.", show_default=False, autocompletion=completion.unites
        ),
    ],
    nouveau: Annotated[str, typer.Argument(help="Nouveau libellé.", show_default=False)],
    organisme: Organisme = None,
) -> None:
    """Renommer une unité.

    Exemple : cpfadmin unites rename "Service paie" "Paie et rémunérations"
    """
    ctx = contexte()
    vue = ctx.app.unites.renommer(ctx.session(), ancien, nouveau, organisme=organisme)
    ctx.afficher(vue, colonnes=colonnes("libelle"))


@app.command("remove")
def supprimer(libelle: Existante, organisme: Organisme = None) -> None:
    """Supprimer une unité qu'aucun compte actif n'utilise.

    Exemple : cpfadmin unites remove "Service paie"
    """
    ctx = contexte()
    vue = ctx.app.unites.supprimer(ctx.session(), libelle, organisme=organisme)
    ctx.info(f"Unité « {vue['libelle']} » supprimée.")
    if ctx.sortie == "json":
        ctx.afficher(vue)
