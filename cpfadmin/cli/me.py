"""``cpfadmin me``: your account, your organisme, your menu."""

from typing import Annotated

import typer

from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes, inactivite

app = typer.Typer(invoke_without_command=True)

# Labels from the one table of ``libelles``, as every other view.
COLONNES = colonnes(
    "identifiant",
    "nom",
    "prenom",
    "email",
    "telephone_fixe",
    "telephone_mobile",
    "organisme_raison_sociale",
    "organisme_siret",
    "organisme_type",
    "role",
    "operateur",
    "unite",
    "niveau_habilitation",
    "cgu_version_acceptee",
    "derniere_connexion_le",
    "session_expire_le",
    "session_inactivite",
    "profil",
    "serveur",
    "stockage_jeton",
)


@app.callback()
def me(ctx_typer: typer.Context) -> None:
    """Mes données personnelles : compte, organisme, rôle, unité, niveau, session et menu.

    Exemple : cpfadmin -o json me
    """
    if ctx_typer.invoked_subcommand is not None:
        return
    ctx = contexte()
    donnees = ctx.app.moi.profil(ctx.session())
    identifiant = donnees["identifiant"]
    _, donnees["stockage_jeton"] = ctx.jeton()
    donnees["profil"] = ctx.profil.nom
    donnees["autres_sessions"] = [
        s.identifiant for s in ctx.coffre().sessions() if s.identifiant != identifiant
    ]
    # « serveur »: the session belongs to a cpfadmin server (remote mode)
    champs = [c for c in COLONNES if c[0] != "serveur" or "serveur" in donnees]
    if ctx.sortie != "table":
        ctx.afficher(donnees, colonnes=[*champs, *colonnes("menu")])
        return
    donnees["session_inactivite"] = inactivite(donnees["session_inactivite_minutes"])
    ctx.afficher(donnees, colonnes=champs, titre="Mes données personnelles")
    if donnees["autres_sessions"]:
        ctx.info(
            f"Compte actif : {identifiant}. Autres sessions conservées sur ce profil : "
            f"{', '.join(donnees['autres_sessions'])} (cpfadmin session switch IDENTIFIANT)."
        )
    ctx.afficher(
        [
            {
                "fonction": f["libelle"],
                "description": f["description"],
                "acces": "lecture seule" if f["lecture_seule"] else "complet",
            }
            for f in donnees["menu"]
        ],
        colonnes=colonnes("fonction", "description", "acces"),
        titre="Menu",
    )


@app.command("update")
def modifier(
    email: Annotated[
        str | None,
        typer.Option(help="Nouvelle adresse e-mail (votre mot de passe actuel est demandé)."),
    ] = None,
    telephone_fixe: Annotated[
        str | None, typer.Option(help='Téléphone fixe ; "" pour l\'effacer.')
    ] = None,
    telephone_mobile: Annotated[
        str | None, typer.Option(help='Téléphone mobile ; "" pour l\'effacer.')
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Lire sur l'entrée standard (ligne 1) le mot de passe actuel, exigé pour "
            "changer d'adresse e-mail.",
        ),
    ] = False,
) -> None:
    """Modifier vos données personnelles : e-mail et téléphones (au moins un téléphone reste).

    Changer d'adresse e-mail demande votre mot de passe actuel (invite masquée, ou
    --password-stdin), et un avis part à l'ancienne adresse ; changer de téléphone, non.

    Exemple : printf '%s\\n' "$ACTUEL" | cpfadmin me update --email prenom.nom@exemple.fr --password-stdin
    """
    from cpfadmin.domain.errors import SaisieRequise

    if email is None and telephone_fixe is None and telephone_mobile is None:
        raise SaisieRequise(
            "Rien à modifier : indiquez --email, --telephone-fixe ou --telephone-mobile."
        )
    ctx = contexte()
    jeton = ctx.session()
    saisies = {
        "email": email,
        "telephone_fixe": telephone_fixe,
        "telephone_mobile": telephone_mobile,
    }
    actuel = None
    # Checked first, so that a wrong value is said before the password is typed.
    if ctx.app.moi.reauthentification_requise(jeton, **saisies):
        actuel = _mot_de_passe_actuel(password_stdin)
    vue = ctx.app.moi.modifier(jeton, **saisies, actuel=actuel)
    modifie, ancienne = vue.pop("modifie"), vue.pop("avis_envoye_a")
    ctx.afficher(vue, colonnes=colonnes("email", "telephone_fixe", "telephone_mobile"))
    if not modifie:
        ctx.info("Rien à modifier : vos données sont déjà celles indiquées.")
    if ancienne:
        ctx.info(f"Adresse e-mail modifiée ; un avis part à l'ancienne adresse, {ancienne}.")


def _mot_de_passe_actuel(password_stdin: bool) -> str:
    from cpfadmin.cli.saisie import demander_secret, lignes_stdin
    from cpfadmin.domain.errors import SaisieRequise

    if not password_stdin:
        return demander_secret("Mot de passe actuel", option="--password-stdin")
    lignes = lignes_stdin(1)
    if not lignes or not lignes[0]:
        raise SaisieRequise("Une ligne attendue sur l'entrée standard : le mot de passe actuel.")
    return lignes[0]


@app.command("cgu")
def cgu(
    accept: Annotated[
        bool, typer.Option("--accept", help="Accepter la version en vigueur.")
    ] = False,
) -> None:
    """Afficher les conditions générales d'utilisation en vigueur et votre acceptation.

    Exemple : cpfadmin me cgu --accept
    """
    ctx = contexte()
    vue = ctx.app.moi.accepter_cgu(ctx.session()) if accept else ctx.app.moi.cgu(ctx.session())
    if ctx.sortie != "table":
        ctx.afficher(vue)
        return
    from rich.console import Console
    from rich.panel import Panel

    Console().print(
        Panel(vue["texte"], title=f"Conditions générales d'utilisation — version {vue['version']}")
    )
    ctx.afficher(
        vue,
        colonnes=colonnes("version", "publiee_le", "acceptee", "acceptee_le"),
    )
