"""``cpfadmin gestionnaires``: habiliter, lister, modifier, suspendre, supprimer."""

from __future__ import annotations

from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.options import COLONNES_COMPTE, COLONNES_LISTE, Identifiant, Organisme

app = typer.Typer(
    help="Habiliter et gérer les gestionnaires d'un organisme.\n\n"
    "Exemple : cpfadmin gestionnaires list --unite Paie",
    no_args_is_help=True,
)

ROLES_COURTS = {
    "administrateur_principal": "adm. principal",
    "administrateur_delegue": "adm. délégué",
    "gestionnaire": "gestionnaire",
}

Nom = Annotated[str | None, typer.Option(help="Nom.")]
Prenom = Annotated[str | None, typer.Option(help="Prénom.")]
Email = Annotated[
    str | None, typer.Option(help="Adresse e-mail (reçoit le mot de passe temporaire).")
]
Fixe = Annotated[str | None, typer.Option(help="Téléphone fixe (français).")]
Mobile = Annotated[str | None, typer.Option(help="Téléphone mobile (français).")]
UniteOpt = Annotated[str | None, typer.Option("--unite", help="Unité (créée au préalable).")]
NiveauOpt = Annotated[
    str | None, typer.Option("--niveau", help="Niveau d'habilitation : consultation ou gestion.")
]


@app.command("add")
def ajouter(
    organisme: Organisme = None,
    nom: Nom = None,
    prenom: Prenom = None,
    email: Email = None,
    telephone_fixe: Fixe = None,
    telephone_mobile: Mobile = None,
    unite: UniteOpt = None,
    niveau: NiveauOpt = None,
    delegue: Annotated[
        bool,
        typer.Option(
            "--delegue",
            help="Administrateur délégué : pourra habiliter d'autres gestionnaires et "
            "renouveler leurs mots de passe (réservé à l'administrateur principal).",
        ),
    ] = False,
) -> None:
    """Habiliter un gestionnaire : affiche son identifiant, à lui transmettre ; son mot de passe
    temporaire lui est envoyé par e-mail.

    Au moins un numéro de téléphone est obligatoire ; l'unité et le niveau sont facultatifs.

    Exemple : cpfadmin gestionnaires add --nom Durand --prenom Paul --email paul.durand@example.fr
    --telephone-mobile 0612345678 --unite Paie --niveau gestion
    """
    from cpfadmin.cli.saisie import demander
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    nom = nom or demander("Nom", option="--nom")
    prenom = prenom or demander("Prénom", option="--prenom")
    email = email or demander("E-mail", option="--email")
    if not telephone_fixe and not telephone_mobile and ctx.interactif:
        telephone_mobile = demander("Téléphone mobile")
    politiques, url = ctx.profil.politiques, ctx.profil.courrier.portal_url
    cree = ctx.executer(
        lambda uow: gestionnaires.ajouter(
            uow,
            acteur,
            politiques,
            url,
            organisme_siret=organisme,
            nom=nom,
            prenom=prenom,
            email=email,
            telephone_fixe=telephone_fixe,
            telephone_mobile=telephone_mobile,
            unite=unite,
            niveau=niveau,
            delegue=delegue,
        )
    )
    ctx.afficher(cree.vue, colonnes=COLONNES_COMPTE)
    ctx.info(
        f"Compte créé : identifiant {cree.identifiant}, à transmettre au gestionnaire. "
        f"Son mot de passe temporaire lui est envoyé à {cree.vue['email']}."
    )
    ctx.livrer(acteur)


@app.command("list")
def lister(
    organisme: Organisme = None,
    unite: Annotated[str | None, typer.Option(help="Seulement cette unité.")] = None,
    role: Annotated[
        str | None,
        typer.Option(help="administrateur_principal, administrateur_delegue ou gestionnaire."),
    ] = None,
    statut: Annotated[str | None, typer.Option(help="actif, suspendu ou supprime.")] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", help="Nom, prénom, e-mail ou identifiant (sans accents ni casse)."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Nombre maximal de comptes.")] = None,
) -> None:
    """Lister les comptes d'un organisme, avec filtres.

    Exemple : cpfadmin -o json gestionnaires list --unite Paie --statut actif --search dupont
    """
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    comptes = ctx.executer(
        lambda uow: gestionnaires.lister(
            uow,
            acteur,
            organisme_siret=organisme,
            unite=unite,
            role=role,
            statut=statut,
            recherche=search,
            limite=limit,
        ),
        lecture=True,
    )
    if ctx.sortie == "table":
        for c in comptes:
            c["role"] = ROLES_COURTS.get(c["role"], c["role"])
        ctx.afficher(comptes, colonnes=COLONNES_LISTE)
        ctx.info(f"{len(comptes)} compte(s).")
    else:
        ctx.afficher(comptes)


@app.command("show")
def montrer(identifiant: Identifiant) -> None:
    """Afficher les informations professionnelles d'un compte, dont son identifiant.

    Exemple : cpfadmin gestionnaires show ABCD2345
    """
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    ctx.afficher(
        ctx.executer(lambda uow: gestionnaires.montrer(uow, acteur, identifiant), lecture=True)
    )


@app.command("update")
def modifier(
    identifiant: Identifiant,
    nom: Nom = None,
    prenom: Prenom = None,
    email: Email = None,
    telephone_fixe: Annotated[
        str | None, typer.Option(help='Téléphone fixe ; "" pour l\'effacer.')
    ] = None,
    telephone_mobile: Annotated[
        str | None, typer.Option(help='Téléphone mobile ; "" pour l\'effacer.')
    ] = None,
    unite: UniteOpt = None,
    sans_unite: Annotated[bool, typer.Option("--sans-unite", help="Retirer l'unité.")] = False,
    niveau: NiveauOpt = None,
    sans_niveau: Annotated[bool, typer.Option("--sans-niveau", help="Retirer le niveau.")] = False,
    delegue: Annotated[
        bool | None,
        typer.Option(
            "--delegue/--no-delegue", help="Attribuer ou retirer le rôle d'administrateur délégué."
        ),
    ] = None,
) -> None:
    """Modifier un compte : données, unité, niveau, rôle d'administrateur délégué.

    Exemple : cpfadmin gestionnaires update ABCD2345 --unite Formation --delegue
    """
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(
        lambda uow: gestionnaires.modifier(
            uow,
            acteur,
            identifiant,
            nom=nom,
            prenom=prenom,
            email=email,
            telephone_fixe=telephone_fixe,
            telephone_mobile=telephone_mobile,
            unite=unite,
            sans_unite=sans_unite,
            niveau=niveau,
            sans_niveau=sans_niveau,
            delegue=delegue,
        )
    )
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)


def _statut(identifiant: str, fonction: str, message: str) -> None:
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(lambda uow: getattr(gestionnaires, fonction)(uow, acteur, identifiant))
    ctx.info(message.format(identifiant=vue["identifiant"]))
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)


@app.command("suspend")
def suspendre(identifiant: Identifiant) -> None:
    """Suspendre un compte : ses sessions prennent fin, il ne peut plus se connecter.

    Exemple : cpfadmin gestionnaires suspend ABCD2345
    """
    _statut(identifiant, "suspendre", "Compte {identifiant} suspendu.")


@app.command("reactivate")
def reactiver(identifiant: Identifiant) -> None:
    """Réactiver un compte suspendu ou supprimé.

    Exemple : cpfadmin gestionnaires reactivate ABCD2345
    """
    _statut(identifiant, "reactiver", "Compte {identifiant} réactivé.")


@app.command("remove")
def supprimer(identifiant: Identifiant) -> None:
    """Supprimer un compte (il reste visible dans l'audit ; son identifiant n'est jamais
    réutilisé).

    Exemple : cpfadmin gestionnaires remove ABCD2345
    """
    _statut(identifiant, "supprimer", "Compte {identifiant} supprimé.")
