"""``cpfadmin session``: the accounts logged in on this profile, and which one commands act as
(like ``gh auth status`` / ``gh auth switch``)."""

from typing import Annotated, Any

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes

app = typer.Typer(
    help="Sessions conservées sur ce profil : les lister, choisir le compte actif.\n\n"
    "Exemple : cpfadmin session switch ABCD2345",
    no_args_is_help=True,
)

COLONNES = colonnes(
    "identifiant", "active", ("valide", "Valide"), "valable_jusqua", "stockage_jeton"
)


def _validite(jeton: str | None) -> Any:
    """Until when the session of ``jeton`` stays usable, or None; False when it ended."""
    if not jeton:
        return False
    limite = contexte().app.connexion.valide_jusqua(jeton)
    return limite if limite is not None else False


def sessions_conservees() -> list[dict[str, Any]]:
    """Each account with a token kept on this profile: identifiant, whether it is the active
    one, whether its session is still valid (None: the keyring could not be read) and until
    when, and where the token is."""
    from cpfadmin.domain.errors import StockageIndisponible

    ctx = contexte()
    coffre = ctx.coffre()
    lignes = []
    for conservee in coffre.sessions():
        try:
            stocke = coffre.lire(conservee.identifiant)
            validite = _validite(stocke.jeton if stocke else None)
        except StockageIndisponible:
            validite = None
        lignes.append(
            {
                "identifiant": conservee.identifiant,
                "active": conservee.active,
                "valide": None if validite is None else validite is not False,
                "valable_jusqua": validite or None,
                "stockage_jeton": conservee.emplacement,
            }
        )
    return lignes


def _prevenir_variable() -> None:
    import os

    if os.environ.get("CPFADMIN_TOKEN"):
        contexte().avertir(
            "CPFADMIN_TOKEN est définie : les commandes utilisent ce jeton, quel que soit le "
            "compte actif."
        )


@app.command("list")
def lister() -> None:
    """Lister les sessions conservées sur ce profil : identifiant, compte actif, validité et
    emplacement du jeton.

    Exemple : cpfadmin -o json session list
    """
    ctx = contexte()
    lignes = sessions_conservees()
    _prevenir_variable()
    ctx.afficher(
        lignes,
        colonnes=COLONNES,
        titre=f"Sessions du profil {ctx.profil.nom}",
        vide=f"Aucune session conservée sur le profil {ctx.profil.nom}. → cpfadmin login",
    )


@app.command("switch")
def choisir(
    identifiant: Annotated[
        str, typer.Argument(help="Le compte à rendre actif (déjà connecté sur ce profil).")
    ],
) -> None:
    """Choisir le compte actif parmi les sessions conservées sur ce profil.

    Exemple : cpfadmin session switch ABCD2345
    """
    from cpfadmin.domain.errors import Commande, Introuvable, StockageIndisponible
    from cpfadmin.domain.identifiant import normaliser_identifiant

    ctx = contexte()
    coffre = ctx.coffre()
    voulu = normaliser_identifiant(identifiant) or identifiant.strip()
    if not coffre.choisir(voulu):
        connus = [s.identifiant for s in coffre.sessions()]
        liste = (
            f"sessions conservées : {', '.join(connus)}"
            if connus
            else "aucune session n'y est conservée"
        )
        raise Introuvable(
            f"Aucune session de {voulu} sur le profil {ctx.profil.nom} ({liste}).",
            suggestion=Commande("login", voulu),
        )
    try:
        stocke = coffre.lire(voulu)
        validite = _validite(stocke.jeton if stocke else None)
    except StockageIndisponible:
        validite = None
    ctx.info(f"Compte actif : {voulu}.")
    if validite is False:
        ctx.avertir(f"la session de {voulu} a pris fin → cpfadmin login {voulu}")
    _prevenir_variable()
    if ctx.sortie == "json":
        ctx.afficher(
            {
                "identifiant": voulu,
                "active": True,
                "valide": None if validite is None else validite is not False,
                "valable_jusqua": validite or None,
                "stockage_jeton": coffre.emplacement(),
            }
        )
