"""``cpfadmin init``."""

from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.cli.options import OBLIGATOIRE, UN_TELEPHONE
from cpfadmin.cli.saisie import demander


def init(
    nom: Annotated[
        str | None, typer.Option(help=f"Nom du premier opérateur ; {OBLIGATOIRE}")
    ] = None,
    prenom: Annotated[
        str | None, typer.Option(help=f"Prénom du premier opérateur ; {OBLIGATOIRE}")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help=f"E-mail du premier opérateur ; {OBLIGATOIRE}")
    ] = None,
    telephone_fixe: Annotated[
        str | None, typer.Option(help=f"Téléphone fixe ({UN_TELEPHONE}).")
    ] = None,
    telephone_mobile: Annotated[
        str | None,
        typer.Option(help=f"Téléphone mobile ({UN_TELEPHONE} ; demandé à un terminal)."),
    ] = None,
) -> None:
    """Créer la base, l'organisme CDC et son premier opérateur (administrateur principal).

    Affiche l'identifiant et, une seule fois, le mot de passe temporaire du premier opérateur.
    Refuse (code 6) une base déjà initialisée.

    Exemple : cpfadmin init --nom Martin --prenom Alice --email alice.martin@caissedesdepots.fr
    --telephone-mobile 0612345678
    """
    ctx = contexte()
    nom = nom or demander("Nom", option="--nom")
    prenom = prenom or demander("Prénom", option="--prenom")
    email = email or demander("E-mail", option="--email")
    if not telephone_fixe and not telephone_mobile:
        telephone_mobile = demander(
            "Téléphone mobile", option="--telephone-mobile ou --telephone-fixe"
        )
    resultat = ctx.app_locale.base.initialiser(
        nom=nom,
        prenom=prenom,
        email=email,
        telephone_fixe=telephone_fixe,
        telephone_mobile=telephone_mobile,
    )
    ctx.afficher(
        resultat,
        colonnes=colonnes(
            "identifiant",
            "mot_de_passe_temporaire",
            "temporaire_expire_le",
            "organisme_siret",
            "base",
        ),
    )
    ctx.info(
        "Base initialisée. Ce mot de passe temporaire ne sera plus jamais affiché : "
        f"connectez-vous maintenant avec « cpfadmin login {resultat['identifiant']} »."
    )
