"""``cpfadmin audit``: the tamper-evident journal."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.cli.options import ForceFichier
from cpfadmin.domain.audit import ACTIONS

app = typer.Typer(
    help="Journal d'audit chaîné, et ses points de contrôle signés.\n\n"
    "Exemple : cpfadmin audit list --action connexion_echec",
    no_args_is_help=True,
)


def _date(valeur: str | None) -> datetime | None:
    if not valeur:
        return None
    from datetime import UTC

    from cpfadmin.domain.errors import DonneeInvalide

    try:
        date = datetime.fromisoformat(valeur)
        return date.replace(tzinfo=date.tzinfo or datetime.now().astimezone().tzinfo).astimezone(
            UTC
        )
    except (ValueError, OverflowError):
        raise DonneeInvalide(
            f"Date invalide : « {valeur[:40]} » (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM).", champ="since"
        ) from None


@app.command("list")
def lister(
    organisme: Annotated[str | None, typer.Option(help="SIRET de l'organisme.")] = None,
    since: Annotated[str | None, typer.Option(help="Depuis cette date (AAAA-MM-JJ).")] = None,
    action: Annotated[
        str | None,
        typer.Option(
            help="Type d'action : " + ", ".join(ACTIONS) + ".",
            autocompletion=completion.actions,
        ),
    ] = None,
    identifiant: Annotated[
        str | None, typer.Option(help="Événements dont ce compte est l'acteur ou la cible.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option(help="Nombre maximal d'événements (les plus récents).", min=1, max=1_000_000),
    ] = 1000,
) -> None:
    """Lister les événements d'audit (opérateurs : tous ; administrateurs : leur organisme).

    Exemple : cpfadmin audit list --action connexion_echec --since 2026-01-01
    """
    ctx = contexte()
    jeton = ctx.session()
    evenements = ctx.app.audit.lister(
        jeton,
        organisme=organisme,
        depuis=_date(since),
        action=action,
        identifiant=identifiant,
        limite=limit,
    )
    ctx.afficher(
        evenements,
        colonnes=colonnes("seq", "horodatage", "action", "acteur", "organisme", "cible", "details")
        if ctx.sortie != "table"
        # A terminal is narrow: the organisme is in JSON and CSV, and in the filters.
        else colonnes("seq", "horodatage", "action", "acteur", "cible", "details"),
        # One line per event at any width: long details end in « … » (in full with -o json).
        une_ligne=True,
        vide="Aucun événement ne correspond à ces filtres."
        if organisme or since or action or identifiant
        else "Aucun événement.",
    )


@app.command("verify")
def verify(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            metavar="FICHIER",
            help="Point de contrôle signé (« audit checkpoint ») que la chaîne doit prolonger : "
            "même événement, même empreinte, puis une chaîne intègre jusqu'à la tête. Répétable.",
            show_default=False,
        ),
    ] = None,
    cle_publique: Annotated[
        list[Path] | None,
        typer.Option(
            "--cle-publique",
            metavar="FICHIER",
            help="Clé publique de confiance des points de contrôle (répétable) ; par défaut "
            "celle de audit_checkpoint_key du profil (FICHIER.pub ou la clé elle-même).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Vérifier toute la chaîne d'audit (opérateurs) ; code 6 si elle est rompue.

    Code 6 et le premier événement en cause si un événement a été modifié, supprimé ou
    déplacé. Avec --checkpoint, la chaîne doit aussi prolonger chaque point de contrôle signé : code 6
    si elle ne le prolonge plus (événements retirés et tête reculée, chaîne réécrite) ou s'il
    n'est pas signé par une clé de confiance ; code 7 si le fichier est mal formé ou sa
    signature ne correspond plus à son contenu.

    Exemple : cpfadmin audit verify --checkpoint point-2026-03-02.json
    """
    ctx = contexte()
    vue = ctx.app.audit.verifier(
        ctx.session(),
        points=checkpoint or [],
        cles_publiques={f: f"--cle-publique {f}" for f in cle_publique or []},
    )
    prouves = vue.get("points_de_controle")
    if not prouves:
        ctx.afficher(vue, colonnes=colonnes("valide", "evenements_verifies"))
        return
    if ctx.sortie == "json":
        ctx.afficher(vue)
        return
    vue["points_de_controle"] = " ; ".join(
        f"n° {p['seq']} du {p['pris_le']} ({p['fichier']}), signé par {p['empreinte_cle']} "
        f"({p['cle_de_confiance']})"
        for p in prouves
    )
    ctx.afficher(vue, colonnes=colonnes("valide", "evenements_verifies", "points_de_controle"))


@app.command("checkpoint")
def checkpoint(
    cle: Annotated[
        Path | None,
        typer.Option(
            "--cle",
            metavar="FICHIER",
            help="Clé privée qui signe (« audit keygen ») ; par défaut audit_checkpoint_key du "
            "profil.",
            show_default=False,
        ),
    ] = None,
    fichier: Annotated[
        Path | None,
        typer.Option(
            "--fichier",
            metavar="FICHIER",
            help="Écrire le point de contrôle (JSON) dans ce fichier ; -o json l'écrit sur la "
            "sortie standard.",
            show_default=False,
        ),
    ] = None,
    force: ForceFichier = False,
) -> None:
    """Signer la tête de la chaîne d'audit : un point de contrôle (opérateurs).

    Le numéro et l'empreinte du dernier événement, la date, la base et l'empreinte de la clé,
    signés avec une clé Ed25519 que la base ne détient pas. La chaîne est vérifiée d'abord
    (code 6 si elle est rompue). Gardez le point de contrôle hors de la base : « audit verify
    --checkpoint » prouvera que la chaîne le prolonge.

    Exemple : cpfadmin audit checkpoint --fichier point-2026-03-02.json
    """
    from cpfadmin.domain import point_de_controle

    ctx = contexte()
    document = ctx.app.audit.prendre_point(ctx.session(), cle=cle, fichier=fichier, ecraser=force)
    ctx.afficher(document, colonnes=colonnes(*point_de_controle.CHAMPS))
    ctx.info(
        f"Point de contrôle de l'événement n° {document['seq']}, signé par la clé "
        f"{document['empreinte_cle']}"
        + (f", écrit dans {fichier}" if fichier else "")
        + " : gardez-le hors de la base (courriel, ticket, archive non réinscriptible)."
    )


@app.command("keygen")
def keygen(
    fichier: Annotated[
        Path,
        typer.Argument(
            help="Fichier de la clé privée, créé en 0600 ; la clé publique va dans FICHIER.pub.",
            show_default=False,
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer la clé et sa clé publique si elles existent.")
    ] = False,
) -> None:
    """Créer la clé qui signe les points de contrôle d'audit (FICHIER et FICHIER.pub).

    Une clé Ed25519 : la clé privée en 0600, la clé publique à côté. Gardez la clé privée hors
    de la machine de la base ; donnez FICHIER.pub à qui vérifie. Ne suit jamais un lien
    symbolique ; n'écrase rien sans --force (code 6).

    Exemple : cpfadmin audit keygen ~/.config/cpfadmin/cle-audit
    """
    ctx = contexte()
    cle = ctx.app.audit.creer_cle(fichier, ecraser=force)
    ctx.afficher(
        cle,
        colonnes=colonnes("fichier", "fichier_public", "empreinte_cle", "cle_publique"),
    )
    ctx.info(
        f"Clé {cle['empreinte_cle']} créée. Pour signer avec elle : audit_checkpoint_key = "
        f'"{fichier.absolute()}" dans le profil, ou --cle {fichier}.'
    )
