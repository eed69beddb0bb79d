"""Audit checkpoints (issue 13, point 8): taking one — the verified head of the chain, signed
with a key the store does not hold — and proving the chain still extends the ones kept outside
the store. The files and the keys are the caller's to read; the rules are here."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from cpfadmin.adapters import signature
from cpfadmin.domain import point_de_controle
from cpfadmin.domain.errors import DonneeInvalide, EtatIncompatible, Option
from cpfadmin.domain.point_de_controle import PointDeControle
from cpfadmin.services import audit
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.uow import UniteDeTravail

# (raw public key, where the trust comes from: « --cle-publique F », « audit_checkpoint_key… »)
CleDeConfiance = tuple[bytes, str]


def rompue(resultat: audit.ResultatVerification) -> EtatIncompatible:
    assert resultat.rupture is not None
    return EtatIncompatible(
        f"Chaîne d'audit rompue à l'événement n° {resultat.rupture.seq} : "
        f"{resultat.rupture.raison} ({resultat.evenements_verifies} événement(s) "
        "intègre(s) avant lui)."
    )


def prendre(
    uow: UniteDeTravail, acteur: Acteur, signataire: signature.Signataire, base: str
) -> dict[str, Any]:
    """The signed checkpoint of the head (operators): the chain is verified first (exit 6 if
    broken), then its head's number and digest are signed."""
    resultat = audit.verifier(uow, acteur)
    if resultat.rupture is not None:
        raise rompue(resultat)
    dernier = resultat.dernier_horodatage
    document = point_de_controle.construire(
        base=base,
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
    return document


def authentifier(
    contenus: Sequence[tuple[str, bytes]], confiance: Sequence[CleDeConfiance]
) -> list[tuple[PointDeControle, str]]:
    """Each checkpoint read (exit 7 if ill-formed), its signature checked (exit 7 if it no
    longer matches), and its key one the operator trusts (exit 6 otherwise: anyone can sign a
    checkpoint of a rewritten chain with a key of his own). Returns each with the source of
    the trust."""
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


def _reperes(points: Sequence[tuple[PointDeControle, str]]) -> dict[int, str]:
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


def verifier(
    uow: UniteDeTravail, acteur: Acteur, points: Sequence[tuple[PointDeControle, str]] = ()
) -> dict[str, Any]:
    """The whole chain verified (operators), and through every authenticated checkpoint: the
    event of its number exists with its digest and the chain goes on intact to the head
    (exit 6 otherwise)."""
    resultat = audit.verifier(uow, acteur, reperes=_reperes(points))
    if resultat.rupture is not None:
        raise rompue(resultat)
    vue: dict[str, Any] = {"valide": True, "evenements_verifies": resultat.evenements_verifies}
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
