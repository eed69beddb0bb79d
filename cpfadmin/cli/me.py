"""``cpfadmin me``: your account, your organisme, your menu."""

from __future__ import annotations

import typer

from cpfadmin.cli.context import contexte

app = typer.Typer(invoke_without_command=True)

COLONNES = [
    ("identifiant", "Identifiant"),
    ("nom", "Nom"),
    ("prenom", "Prénom"),
    ("email", "E-mail"),
    ("telephone_fixe", "Téléphone fixe"),
    ("telephone_mobile", "Téléphone mobile"),
    ("organisme_raison_sociale", "Organisme"),
    ("organisme_siret", "SIRET"),
    ("organisme_type", "Type d'organisme"),
    ("role_libelle", "Rôle"),
    ("operateur", "Opérateur CDC"),
    ("unite", "Unité"),
    ("niveau_habilitation", "Niveau d'habilitation"),
    ("cgu_version_acceptee", "CGU acceptées"),
    ("derniere_connexion_le", "Dernière connexion"),
    ("session_expire_le", "Session valable jusqu'au"),
    ("profil", "Profil"),
    ("stockage_jeton", "Jeton conservé dans"),
]


@app.callback()
def me(ctx_typer: typer.Context) -> None:
    """Mes données personnelles : compte, organisme, rôle, unité, niveau, session et menu.

    Exemple : cpfadmin -o json me
    """
    if ctx_typer.invoked_subcommand is not None:
        return
    from cpfadmin.services.comptes import profil

    ctx = contexte()
    acteur = ctx.acteur()
    donnees = ctx.executer(lambda uow: profil(uow, acteur), lecture=True)
    _, donnees["stockage_jeton"] = ctx.jeton()
    donnees["profil"] = ctx.profil.nom
    if ctx.sortie != "table":
        ctx.afficher(donnees, colonnes=[*COLONNES, ("menu", "Menu")])
        return
    ctx.afficher(donnees, colonnes=COLONNES, titre="Mes données personnelles")
    ctx.afficher(
        [
            {
                "fonction": f["libelle"],
                "description": f["description"],
                "acces": "lecture seule" if f["lecture_seule"] else "complet",
            }
            for f in donnees["menu"]
        ],
        colonnes=[("fonction", "Fonction"), ("description", "Description"), ("acces", "Accès")],
        titre="Menu",
    )
