"""``cpfadmin audit``: the tamper-evident journal."""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cpfadmin.cli import completion
from cpfadmin.cli.context import contexte
from cpfadmin.cli.libelles import colonnes
from cpfadmin.domain.audit import ACTIONS

if TYPE_CHECKING:
    from cpfadmin.domain.point_de_controle import PointDeControle
    from cpfadmin.services.audit import ResultatVerification

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
    from cpfadmin.services import audit

    ctx = contexte()
    acteur = ctx.acteur()
    depuis = _date(since)
    evenements = ctx.executer(
        lambda uow: audit.lister(
            uow,
            acteur,
            organisme=organisme,
            depuis=depuis,
            action=action,
            identifiant=identifiant,
            limite=limit,
        ),
        lecture=True,
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


def _rompue(resultat: "ResultatVerification") -> Exception:
    from cpfadmin.domain.errors import EtatIncompatible

    assert resultat.rupture is not None
    return EtatIncompatible(
        f"Chaîne d'audit rompue à l'événement n° {resultat.rupture.seq} : "
        f"{resultat.rupture.raison} ({resultat.evenements_verifies} événement(s) "
        "intègre(s) avant lui)."
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
    from cpfadmin.services import audit

    ctx = contexte()
    points = _points_de_confiance(ctx, checkpoint or [], cle_publique or [])
    reperes = _reperes(points)
    acteur = ctx.acteur()
    resultat = ctx.executer(lambda uow: audit.verifier(uow, acteur, reperes=reperes), lecture=True)
    if resultat.rupture is not None:
        raise _rompue(resultat)
    vue: dict[str, Any] = {"valide": True, "evenements_verifies": resultat.evenements_verifies}
    if not points:
        ctx.afficher(vue, colonnes=colonnes("valide", "evenements_verifies"))
        return
    prouves = [
        {
            "fichier": str(p.origine),
            "seq": p.seq,
            "condensat": p.condensat,
            "pris_le": p.document["pris_le"],
            "empreinte_cle": p.empreinte_cle,
            "cle_de_confiance": source,
        }
        for p, source in points
    ]
    if ctx.sortie == "json":
        ctx.afficher({**vue, "points_de_controle": prouves})
        return
    vue["points_de_controle"] = " ; ".join(
        f"n° {p['seq']} du {p['pris_le']} ({p['fichier']}), signé par {p['empreinte_cle']} "
        f"({p['cle_de_confiance']})"
        for p in prouves
    )
    ctx.afficher(vue, colonnes=colonnes("valide", "evenements_verifies", "points_de_controle"))


def _cles_de_confiance(ctx: Any, options: list[Path]) -> list[tuple[bytes, str]]:
    """The public keys a checkpoint must be signed by, and where each comes from: the
    ``--cle-publique`` files, else the profile's ``audit_checkpoint_key`` (its ``.pub``
    beside it, or the private key itself). Never the key a checkpoint carries."""
    from cpfadmin.adapters import signature

    if options:
        return [(signature.charger_publique(f), f"--cle-publique {f}") for f in options]
    cle = ctx.profil.cle_point_de_controle
    if cle is None:
        return []
    source = f"audit_checkpoint_key du profil {ctx.profil.nom}"
    public = signature.fichier_public(cle)
    if cle.exists():
        return [(signature.charger_publique(cle), source)]
    if public.exists():
        return [(signature.charger_publique(public), source)]
    from cpfadmin.domain.errors import DonneeInvalide

    raise DonneeInvalide(
        f"Clé de confiance introuvable : ni {cle} ni {public} (audit_checkpoint_key du profil "
        f"{ctx.profil.nom}).",
        champ="cle",
    )


def _points_de_confiance(
    ctx: Any, fichiers: list[Path], options: list[Path]
) -> "list[tuple[PointDeControle, str]]":
    """Each checkpoint read, its signature checked (code 7 otherwise), and its key one the
    operator trusts (code 6 otherwise: anyone can sign a checkpoint of a rewritten chain with
    a key of his own)."""
    if not fichiers:
        return []
    from cpfadmin.adapters import signature
    from cpfadmin.domain import point_de_controle
    from cpfadmin.domain.errors import DonneeInvalide, EtatIncompatible, raison_systeme

    points = []
    for f in fichiers:
        try:
            with f.open("rb") as flux:
                contenu = flux.read(point_de_controle.TAILLE_MAX + 1)
        except OSError as e:
            raise DonneeInvalide(
                f"Point de contrôle {f} illisible : {raison_systeme(e)}.", champ="checkpoint"
            ) from None
        p = point_de_controle.lire(contenu, str(f))
        if not signature.signature_valide(
            p.cle_publique, p.signature, point_de_controle.contenu_signe(p.document)
        ):
            raise DonneeInvalide(
                f"Point de contrôle {f} invalide : sa signature ne correspond pas à son contenu "
                f"(modifié après avoir été signé par la clé {p.empreinte_cle}).",
                champ="checkpoint",
            )
        points.append(p)
    confiance = _cles_de_confiance(ctx, options)
    resultat = []
    for p in points:
        source = next((s for cle, s in confiance if cle == p.cle_publique), None)
        if source is None:
            attendues = ", ".join(point_de_controle.empreinte(c) for c, _ in confiance)
            raise EtatIncompatible(
                f"Point de contrôle {p.origine} signé par la clé {p.empreinte_cle}, "
                + (
                    f"qui n'est pas une clé de confiance ({attendues}) : rien n'est prouvé."
                    if confiance
                    else "mais aucune clé de confiance n'est désignée : rien n'est prouvé (un "
                    "faussaire signe avec sa propre clé)."
                ),
                suggestion="--cle-publique FICHIER.pub, ou audit_checkpoint_key dans le profil",
            )
        resultat.append((p, source))
    return resultat


def _reperes(points: "list[tuple[PointDeControle, str]]") -> dict[int, str]:
    from cpfadmin.domain.errors import EtatIncompatible

    reperes: dict[int, str] = {}
    origines: dict[int, str] = {}
    for p, _ in points:
        if reperes.get(p.seq, p.condensat) != p.condensat:
            raise EtatIncompatible(
                f"Les points de contrôle {origines[p.seq]} et {p.origine}, signés tous deux par "
                f"une clé de confiance, donnent deux empreintes à l'événement n° {p.seq} : la "
                "chaîne a été réécrite entre les deux."
            )
        reperes[p.seq], origines[p.seq] = p.condensat, p.origine
    return reperes


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
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier de --fichier s'il existe.")
    ] = False,
) -> None:
    """Signer la tête de la chaîne d'audit : un point de contrôle (opérateurs).

    Le numéro et l'empreinte du dernier événement, la date, la base et l'empreinte de la clé,
    signés avec une clé Ed25519 que la base ne détient pas. La chaîne est vérifiée d'abord
    (code 6 si elle est rompue). Gardez le point de contrôle hors de la base : « audit verify
    --checkpoint » prouvera que la chaîne le prolonge.

    Exemple : cpfadmin audit checkpoint --fichier point-2026-03-02.json
    """
    import base64
    import json
    from datetime import UTC

    from cpfadmin.adapters import signature
    from cpfadmin.adapters.fichiers import verifier_destination
    from cpfadmin.domain import point_de_controle
    from cpfadmin.domain.errors import DonneeInvalide
    from cpfadmin.services import audit
    from cpfadmin.store.engine import masquer

    ctx = contexte()
    chemin = cle or ctx.profil.cle_point_de_controle
    if chemin is None:
        raise DonneeInvalide(
            "Aucune clé pour signer le point de contrôle : --cle FICHIER, ou "
            f'audit_checkpoint_key = "FICHIER" dans [profiles.{ctx.profil.nom}].',
            champ="cle",
            suggestion="cpfadmin audit keygen FICHIER",
        )
    # The key and the destination first: nothing is read from the store for a checkpoint that
    # could not be signed or kept.
    signataire = signature.charger_signataire(chemin)
    if fichier is not None:
        verifier_destination(fichier, force)
    acteur = ctx.acteur()
    resultat = ctx.executer(lambda uow: audit.verifier(uow, acteur), lecture=True)
    if resultat.rupture is not None:
        raise _rompue(resultat)
    dernier = resultat.dernier_horodatage
    document = point_de_controle.construire(
        base=masquer(ctx.profil.url_base),
        seq=resultat.tete_seq,
        condensat=resultat.tete_condensat,
        dernier_evenement_le=dernier.astimezone(UTC).isoformat() if dernier else None,
        pris_le=datetime.now(UTC).isoformat(timespec="seconds"),
        pris_par=acteur.identifiant,
        cle_publique=signataire.cle_publique,
    )
    document["signature"] = base64.b64encode(
        signataire.signer(point_de_controle.contenu_signe(document))
    ).decode("ascii")
    if fichier is not None:
        texte = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        signature.ecrire(fichier, texte.encode("utf-8"), mode=0o644, ecraser=force)
    ctx.afficher(document, colonnes=colonnes(*point_de_controle.CHAMPS))
    ctx.info(
        f"Point de contrôle de l'événement n° {resultat.tete_seq}, signé par la clé "
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
    import base64

    from cpfadmin.adapters import signature
    from cpfadmin.domain.point_de_controle import empreinte

    ctx = contexte()
    public, brut = signature.generer(fichier, ecraser=force)
    ctx.afficher(
        {
            "fichier": str(fichier),
            "fichier_public": str(public),
            "empreinte_cle": empreinte(brut),
            "cle_publique": base64.b64encode(brut).decode("ascii"),
        },
        colonnes=colonnes("fichier", "fichier_public", "empreinte_cle", "cle_publique"),
    )
    ctx.info(
        f"Clé {empreinte(brut)} créée. Pour signer avec elle : audit_checkpoint_key = "
        f'"{fichier.absolute()}" dans le profil, ou --cle {fichier}.'
    )
