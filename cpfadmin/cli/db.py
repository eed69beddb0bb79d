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
    from cpfadmin.store.migrate import etat, mettre_a_jour

    ctx = contexte()
    moteur = ctx.moteur(verifier_schema=False, creer=True)
    avant = ctx.proteger(lambda: etat(moteur))
    ctx.proteger(lambda: mettre_a_jour(moteur))
    apres = ctx.proteger(lambda: etat(moteur))
    ctx.afficher(
        {"revision_precedente": avant.courante, "revision": apres.courante, "a_jour": apres.a_jour},
        colonnes=colonnes("revision_precedente", "revision", "a_jour"),
    )


@app.command("status")
def status() -> None:
    """Afficher la révision du schéma de la base et celle qu'attend cpfadmin.

    Exemple : cpfadmin -o json db status
    """
    from cpfadmin.store.engine import masquer
    from cpfadmin.store.migrate import etat

    ctx = contexte()
    moteur = ctx.moteur(verifier_schema=False)
    e = ctx.proteger(lambda: etat(moteur))
    ctx.afficher(
        {
            "base": masquer(ctx.profil.url_base),
            "revision_courante": e.courante,
            "revision_attendue": e.attendue,
            "a_jour": e.a_jour,
        },
        colonnes=colonnes("base", "revision_courante", "revision_attendue", "a_jour"),
    )
    if not e.a_jour:
        ctx.info("Le schéma n'est pas à jour : lancez « cpfadmin db upgrade ».")
