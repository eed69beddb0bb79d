"""``cpfadmin politique``: the system's security policy (SPEC §4)."""

from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes

app = typer.Typer(
    help="Politique de sécurité du système : sessions, verrouillage, mots de passe, bcrypt. "
    "Elle est tenue par la base, la même pour tous ; aucun fichier de configuration ne la "
    "change.\n\n"
    "Exemple : cpfadmin politique set session_idle_minutes 30",
    no_args_is_help=True,
)


@app.command("show")
def show() -> None:
    """Afficher la politique en vigueur : chaque clé, sa valeur, sa valeur par défaut, ses bornes.

    Exemple : cpfadmin -o json politique show
    """
    ctx = contexte()
    vue = ctx.app.politique.montrer(ctx.session())
    ctx.afficher(
        vue,
        colonnes=colonnes("cle", "valeur", "defaut", "bornes", "description"),
    )
    hors = [ligne["cle"] for ligne in vue if ligne["hors_bornes"]]
    if hors:
        ctx.avertir(
            f"{', '.join(hors)} : valeur hors bornes, écrite dans la base hors de cpfadmin "
            "(« politique set » la refuserait)."
        )


@app.command("set")
def set_(
    cle: Annotated[str, typer.Argument(help="Clé (voir « cpfadmin politique show »).")],
    valeur: Annotated[str, typer.Argument(help="Nouvelle valeur, dans les bornes de la clé.")],
) -> None:
    """Changer une clé de la politique (opérateurs) ; le changement est audité.

    Une valeur hors bornes est refusée (code 7). Les sessions ouvertes suivent la nouvelle
    politique dès la commande suivante.

    Exemple : cpfadmin politique set lockout_threshold 10
    """
    ctx = contexte()
    resultat = ctx.app.politique.definir(ctx.session(), cle, valeur)
    ctx.afficher(resultat, colonnes=colonnes("cle", "avant", "valeur"))
    if not resultat["modifie"]:
        ctx.info("Valeur inchangée.")
