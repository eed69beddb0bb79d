"""``cpfadmin password``: changer le sien, renouveler celui d'un autre, la politique."""

from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.cli.options import Identifiant, Oui
from cpfadmin.cli.session import ESSAIS_NOUVEAU_MOT_DE_PASSE

app = typer.Typer(
    help="Mots de passe : changer le vôtre, renouveler celui d'un compte, la politique.\n\n"
    "Exemple : cpfadmin password change",
    no_args_is_help=True,
)


@app.command("change")
def changer(
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Lire sur l'entrée standard le mot de passe actuel (ligne 1) et le nouveau "
            "(ligne 2).",
        ),
    ] = False,
) -> None:
    """Changer votre mot de passe ; vos autres sessions prennent fin.

    Exemple : printf '%s\\n%s\\n' "$ACTUEL" "$NOUVEAU" | cpfadmin password change --password-stdin
    """
    from cpfadmin.cli.saisie import demander_nouveau_mot_de_passe, demander_secret, lignes_stdin
    from cpfadmin.domain.errors import SaisieRequise

    ctx = contexte()
    jeton = ctx.session()
    mots_de_passe = ctx.app.mots_de_passe
    if password_stdin:
        lignes = lignes_stdin(2)
        if len(lignes) < 2 or not lignes[0] or not lignes[1]:
            raise SaisieRequise(
                "Deux lignes attendues sur l'entrée standard : le mot de passe actuel, puis le "
                "nouveau."
            )
        actuel, nouveau = lignes
    else:
        actuel = demander_secret("Mot de passe actuel", option="--password-stdin")
        # The current password first: a wrong one ends here, before a new one is typed.
        mots_de_passe.verifier_actuel(jeton, actuel)
        nouveau = demander_nouveau_mot_de_passe(
            lambda candidat: mots_de_passe.verifier_conformite(jeton, candidat),
            essais=ESSAIS_NOUVEAU_MOT_DE_PASSE,
        )
    resultat = mots_de_passe.changer(jeton, actuel, nouveau)
    n = resultat["autres_sessions_terminees"]
    ctx.info("Mot de passe modifié." + (f" {n} autre(s) session(s) terminée(s)." if n else ""))
    if ctx.sortie == "json":
        ctx.afficher(resultat)


@app.command("renew")
def renouveler(identifiant: Identifiant, oui: Oui = False) -> None:
    """Renouveler le mot de passe d'un compte : un mot de passe temporaire est envoyé à son
    e-mail (jamais affiché), ses sessions prennent fin, son verrouillage est levé.

    Seule la CDC renouvelle le mot de passe d'un administrateur principal ; seul
    l'administrateur principal renouvelle celui d'un administrateur délégué ; administrateurs
    principal et délégués renouvellent ceux des gestionnaires. Pour le vôtre : password change.

    À un terminal, une confirmation est demandée ; --yes la donne d'avance.

    Exemple : cpfadmin password renew ABCD2345 --yes
    """
    from cpfadmin.cli.gestionnaires import designation
    from cpfadmin.cli.saisie import exiger_confirmation

    exiger_confirmation(
        f"renouveler le mot de passe du compte {identifiant}",
        lambda: (
            f"Renouveler le mot de passe du compte {designation(identifiant)} ? Un mot de "
            "passe temporaire lui sera envoyé par e-mail et ses sessions prendront fin."
        ),
        f"Abandon : le mot de passe du compte {identifiant} n'est pas renouvelé.",
        oui=oui,
    )

    ctx = contexte()
    vue = ctx.app.mots_de_passe.renouveler(ctx.session(), identifiant)
    ctx.afficher(
        vue,
        colonnes=colonnes(
            "identifiant",
            ("email", "Mot de passe temporaire envoyé à"),
            "temporaire_expire_le",
            "sessions_terminees",
            "deverrouille",
        ),
    )


@app.command("policy")
def politique() -> None:
    """Afficher la politique de mot de passe qui s'applique à votre compte.

    Exemple : cpfadmin -o json password policy
    """
    ctx = contexte()
    vue = ctx.app.mots_de_passe.politique(ctx.session())
    if ctx.sortie != "table":
        ctx.afficher(vue)
        return
    from rich.console import Console

    console = Console()
    console.print("[bold]Politique de mot de passe de votre compte[/bold]")
    for regle in vue["regles"]:
        console.print(f"  • {regle}")
