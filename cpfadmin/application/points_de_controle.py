"""Audit checkpoints on the operator's side (issue 13, point 8), the same for a local and a
remote application: the checkpoint files read, their signatures and keys checked against the
keys the operator trusts, and the head of the chain signed with a key that neither the store
nor a server holds. What only the store can say — the verified head, whether the chain passes
through given events — is ``services.points_de_controle``'s, locally or on the server.
Nothing of the store here (a remote client imports this module)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cpfadmin.domain import point_de_controle
from cpfadmin.domain.errors import (
    Commande,
    DonneeInvalide,
    EtatIncompatible,
    Option,
    raison_systeme,
)
from cpfadmin.domain.point_de_controle import PointDeControle

# (raw public key, where the trust comes from: « --cle-publique F », « audit_checkpoint_key… »)
CleDeConfiance = tuple[bytes, str]


def lire(fichiers: Sequence[Path]) -> list[tuple[str, bytes]]:
    """The bytes of each checkpoint file (no more than a checkpoint may weigh, plus one)."""
    contenus = []
    for f in fichiers:
        try:
            with f.open("rb") as flux:
                contenus.append((str(f), flux.read(point_de_controle.TAILLE_MAX + 1)))
        except OSError as e:
            raise DonneeInvalide(
                f"Point de contrôle {f} illisible : {raison_systeme(e)}.", champ="checkpoint"
            ) from None
    return contenus


def cles_de_confiance(
    fichiers: dict[Path, str], cle_du_profil: Path | None, nom_du_profil: str
) -> list[CleDeConfiance]:
    """The public keys a checkpoint must be signed by, and where each comes from: the files
    given (each with where the front end says it comes from), else the profile's
    ``audit_checkpoint_key``. Never the key a checkpoint carries."""
    from cpfadmin.adapters import signature

    if fichiers:
        return [(signature.charger_publique(f), origine) for f, origine in fichiers.items()]
    if cle_du_profil is None:
        return []
    source = f"audit_checkpoint_key du profil {nom_du_profil}"
    public = signature.fichier_public(cle_du_profil)
    if cle_du_profil.exists():
        return [(signature.charger_publique(cle_du_profil), source)]
    if public.exists():
        return [(signature.charger_publique(public), source)]
    raise DonneeInvalide(
        f"Clé de confiance introuvable : ni {cle_du_profil} ni {public} (audit_checkpoint_key "
        f"du profil {nom_du_profil}).",
        champ="cle",
    )


def authentifier(
    contenus: Sequence[tuple[str, bytes]], confiance: Sequence[CleDeConfiance]
) -> list[tuple[PointDeControle, str]]:
    """Each checkpoint read (exit 7 if ill-formed), its signature checked (exit 7 if it no
    longer matches), and its key one the operator trusts (exit 6 otherwise: anyone can sign a
    checkpoint of a rewritten chain with a key of his own). Returns each with the source of
    the trust."""
    from cpfadmin.adapters import signature

    points = []
    for origine, contenu in contenus:
        p = point_de_controle.lire(contenu, origine)
        if not signature.signature_valide(
            p.cle_publique, p.signature, point_de_controle.contenu_signe(p.document)
        ):
            raise DonneeInvalide(
                f"Point de contrôle {origine} invalide : sa signature ne correspond pas à son "
                f"contenu (modifié après avoir été signé par la clé {p.empreinte_cle}).",
                champ="checkpoint",
            )
        points.append(p)
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
                suggestion=(
                    Option("cle_publique", "FICHIER.pub"),
                    ", ou audit_checkpoint_key dans le profil",
                ),
            )
        resultat.append((p, source))
    return resultat


def reperes(points: Sequence[tuple[PointDeControle, str]]) -> dict[int, str]:
    """Event number → digest the chain must have there; two trusted checkpoints that disagree
    on one event prove a rewrite by themselves (exit 6)."""
    vus: dict[int, str] = {}
    origines: dict[int, str] = {}
    for p, _ in points:
        if vus.get(p.seq, p.condensat) != p.condensat:
            raise EtatIncompatible(
                f"Les points de contrôle {origines[p.seq]} et {p.origine}, signés tous deux par "
                f"une clé de confiance, donnent deux empreintes à l'événement n° {p.seq} : la "
                "chaîne a été réécrite entre les deux."
            )
        vus[p.seq], origines[p.seq] = p.condensat, p.origine
    return vus


def verifier(
    fichiers: Sequence[Path],
    confiance: Callable[[], list[CleDeConfiance]],
    verifier_chaine: Callable[[dict[int, str]], dict[str, Any]],
) -> dict[str, Any]:
    """``audit verify``: the checkpoints authenticated here, then the chain verified by the
    store (``verifier_chaine``, given the events it must pass through); the view names each
    checkpoint and the key that vouches for it."""
    contenus = lire(fichiers)
    points = authentifier(contenus, confiance() if contenus else [])
    vue = dict(verifier_chaine(reperes(points)))
    if points:
        vue["points_de_controle"] = [
            {
                "fichier": p.origine,
                "seq": p.seq,
                "condensat": p.condensat,
                "pris_le": p.document["pris_le"],
                "empreinte_cle": p.empreinte_cle,
                "cle_de_confiance": source,
            }
            for p, source in points
        ]
    return vue


def prendre(
    cle: Path | None,
    cle_du_profil: Path | None,
    nom_du_profil: str,
    fichier: Path | None,
    ecraser: bool,
    base: str,
    tete: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """``audit checkpoint``: the verified head of the chain (``tete``, from the store) signed
    here with the Ed25519 key ``cle`` (else the profile's), written to ``fichier`` if given.
    The key and the destination are checked first: nothing is asked of the store for a
    checkpoint that could not be signed or kept."""
    import json

    from cpfadmin.adapters import signature
    from cpfadmin.adapters.fichiers import verifier_destination

    chemin = cle or cle_du_profil
    if chemin is None:
        raise DonneeInvalide(
            (
                "Aucune clé pour signer le point de contrôle : ",
                Option("cle", "FICHIER"),
                f', ou audit_checkpoint_key = "FICHIER" dans [profiles.{nom_du_profil}].',
            ),
            champ="cle",
            suggestion=Commande("audit keygen", "FICHIER"),
        )
    signataire = signature.charger_signataire(chemin)
    if fichier is not None:
        verifier_destination(fichier, ecraser)
    t = tete()
    dernier = t["dernier_evenement_le"]  # a remote client reads it back as a datetime
    document = point_de_controle.construire(
        base=base,
        seq=t["seq"],
        condensat=t["condensat"],
        dernier_evenement_le=(
            dernier.astimezone(UTC).isoformat() if isinstance(dernier, datetime) else dernier
        ),
        pris_le=datetime.now(UTC).isoformat(timespec="seconds"),
        pris_par=t["pris_par"],
        cle_publique=signataire.cle_publique,
    )
    document["signature"] = base64.b64encode(
        signataire.signer(point_de_controle.contenu_signe(document))
    ).decode("ascii")
    if fichier is not None:
        texte = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        signature.ecrire(fichier, texte.encode("utf-8"), mode=0o644, ecraser=ecraser)
    return document


def creer_cle(fichier: Path, *, ecraser: bool = False) -> dict[str, Any]:
    """A new Ed25519 key: the private one in ``fichier`` (0600), the public one beside it;
    never through a symbolic link, nothing replaced unless ``ecraser``. Nothing of the store:
    a remote application makes its keys the same way, on the operator's machine."""
    from cpfadmin.adapters import signature

    public, brut = signature.generer(fichier, ecraser=ecraser)
    return {
        "fichier": str(fichier),
        "fichier_public": str(public),
        "empreinte_cle": point_de_controle.empreinte(brut),
        "cle_publique": base64.b64encode(brut).decode("ascii"),
    }
