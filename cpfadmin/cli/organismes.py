"""``cpfadmin organismes``: la console des opérateurs."""

from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.cli.options import COLONNES_COMPTE, UN_TELEPHONE

app = typer.Typer(
    help="Organismes et administrateurs principaux (opérateurs de la CDC).\n\n"
    "Exemple : cpfadmin organismes list --type employeur_public",
    no_args_is_help=True,
)

Siret = Annotated[
    str, typer.Argument(help="SIRET de l'organisme (14 chiffres).", show_default=False)
]
COLONNES = colonnes(
    "siret", "raison_sociale", "type", "statut", "administrateur_principal", "comptes_actifs"
)
# ``show``: the same, and the creation date.
COLONNES_FICHE = [*COLONNES[:4], *colonnes("cree_le"), *COLONNES[4:]]
# designate-admin: either --identifiant, or a new account's fields.
NOUVEAU_COMPTE = r"\[obligatoire pour un nouveau compte, sans --identifiant]"
TYPES = "employeur_public, employeur_prive, conseil_regional, opco ou france_travail"


@app.command("add")
def ajouter(
    siret: Annotated[
        str, typer.Option(help="SIRET (14 chiffres, clé valide).", show_default=False)
    ],
    raison_sociale: Annotated[str, typer.Option(help="Raison sociale.", show_default=False)],
    type_: Annotated[
        str,
        typer.Option(
            "--type", help=f"Type : {TYPES}.", show_default=False, autocompletion=completion.types
        ),
    ],
) -> None:
    """Créer un organisme.

    Exemple : cpfadmin organismes add --siret 73282932000074 --raison-sociale "Mairie de Lyon"
    --type employeur_public
    """
    ctx = contexte()
    vue = ctx.app.organismes.ajouter(
        ctx.session(), siret=siret, raison_sociale=raison_sociale, type_=type_
    )
    ctx.afficher(vue, colonnes=COLONNES)
    ctx.info(
        f"Organisme créé. Désignez son administrateur principal : "
        f"cpfadmin organismes designate-admin {vue['siret']} --nom … --prenom … --email … "
        "--telephone-mobile …"
    )


@app.command("list")
def lister(
    type_: Annotated[
        str | None,
        typer.Option("--type", help="Seulement ce type.", autocompletion=completion.types),
    ] = None,
    statut: Annotated[
        str | None,
        typer.Option(help="actif ou suspendu.", autocompletion=completion.statuts_organisme),
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="Raison sociale ou SIRET.")] = None,
) -> None:
    """Lister les organismes.

    Exemple : cpfadmin organismes list --search mairie
    """
    ctx = contexte()
    ctx.afficher(
        ctx.app.organismes.lister(ctx.session(), type_=type_, statut=statut, recherche=search),
        colonnes=COLONNES,
        vide="Aucun organisme ne correspond à ces filtres."
        if type_ or statut or search
        else "Aucun organisme.",
    )


@app.command("show")
def montrer(siret: Siret) -> None:
    """Afficher un organisme.

    Exemple : cpfadmin organismes show 73282932000074
    """
    ctx = contexte()
    vue = ctx.app.organismes.montrer(ctx.session(), siret)
    ctx.afficher(vue, colonnes=COLONNES_FICHE)


@app.command("update")
def modifier(
    siret: Siret,
    raison_sociale: Annotated[str | None, typer.Option(help="Nouvelle raison sociale.")] = None,
    statut: Annotated[
        str | None,
        typer.Option(
            help="actif ou suspendu (suspendre met fin aux sessions de ses comptes).",
            autocompletion=completion.statuts_organisme,
        ),
    ] = None,
) -> None:
    """Modifier la raison sociale ou le statut d'un organisme.

    Exemple : cpfadmin organismes update 73282932000074 --statut suspendu
    """
    ctx = contexte()
    vue = ctx.app.organismes.modifier(
        ctx.session(), siret, raison_sociale=raison_sociale, statut=statut
    )
    ctx.afficher(vue, colonnes=COLONNES)


@app.command("designate-admin")
def designer(
    siret: Siret,
    identifiant: Annotated[
        str | None, typer.Option(help="Promouvoir ce membre de l'organisme.")
    ] = None,
    nom: Annotated[str | None, typer.Option(help=f"Nom. {NOUVEAU_COMPTE}")] = None,
    prenom: Annotated[str | None, typer.Option(help=f"Prénom. {NOUVEAU_COMPTE}")] = None,
    email: Annotated[str | None, typer.Option(help=f"E-mail. {NOUVEAU_COMPTE}")] = None,
    telephone_fixe: Annotated[
        str | None, typer.Option(help=f"Téléphone fixe (nouveau compte : {UN_TELEPHONE}).")
    ] = None,
    telephone_mobile: Annotated[
        str | None, typer.Option(help=f"Téléphone mobile (nouveau compte : {UN_TELEPHONE}).")
    ] = None,
) -> None:
    """Désigner l'administrateur principal d'un organisme : un nouveau compte, ou un membre
    (--identifiant). L'ancien administrateur principal devient administrateur délégué.

    Affiche l'identifiant de l'administrateur, à lui transmettre ; un nouveau compte reçoit son
    mot de passe temporaire par e-mail.

    Exemple : cpfadmin organismes designate-admin 73282932000074 --nom Bernard --prenom Chloé
    --email chloe.bernard@example.fr --telephone-fixe 0472000000
    """
    ctx = contexte()
    champs = {
        "nom": nom,
        "prenom": prenom,
        "email": email,
        "telephone_fixe": telephone_fixe,
        "telephone_mobile": telephone_mobile,
    }
    # With --identifiant, any account field is a mistake the service reports.
    donnees = champs if identifiant is None or any(champs.values()) else None
    designation = ctx.app.organismes.designer_administrateur(
        ctx.session(), siret, identifiant=identifiant, donnees=donnees
    )
    ctx.afficher(designation["compte"], colonnes=COLONNES_COMPTE)
    ancien = (
        f" L'ancien administrateur principal {designation['ancien_administrateur']} devient "
        "administrateur délégué."
        if designation["ancien_administrateur"]
        else ""
    )
    envoi = " Son mot de passe temporaire lui est envoyé par e-mail." if designation["cree"] else ""
    ctx.info(
        f"Administrateur principal : {designation['compte']['identifiant']}, à lui "
        f"transmettre.{envoi}{ancien}"
    )
