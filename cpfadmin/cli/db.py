"""``cpfadmin db``: schema migrations."""

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes

app = typer.Typer(
    help="Migrations du schéma de la base.\n\nExemple : cpfadmin db status",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade() -> None:
    """Mettre le schéma de la base à jour (crée la base SQLite si besoin).

    Exemple : cpfadmin --db postgresql://cpfadmin@db.example/cpfadmin db upgrade
    """
    ctx = contexte()
    ctx.afficher(
        ctx.app_locale.base.mettre_a_jour(),
        colonnes=colonnes("revision_precedente", "revision", "a_jour"),
    )


@app.command("status")
def status() -> None:
    """Afficher la révision du schéma de la base et celle qu'attend cpfadmin.

    Exemple : cpfadmin -o json db status
    """
    ctx = contexte()
    e = ctx.app_locale.base.etat()
    ctx.afficher(
        e,
        colonnes=colonnes("base", "revision_courante", "revision_attendue", "a_jour"),
    )
    if not e["a_jour"]:
        ctx.info("Le schéma n'est pas à jour : lancez « cpfadmin db upgrade ».")
