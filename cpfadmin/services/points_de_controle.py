"""Audit checkpoints (issue 13, point 8), the store's part: the verified head of the chain a
checkpoint signs, and whether the chain still passes through the events that checkpoints kept
outside the store name. Reading, authenticating and signing checkpoints is the operator's
side (``application.points_de_controle``): the signing key is never the store's nor a
server's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from cpfadmin.domain.errors import EtatIncompatible
from cpfadmin.services import audit
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.uow import UniteDeTravail


def rompue(resultat: audit.ResultatVerification) -> EtatIncompatible:
    assert resultat.rupture is not None
    return EtatIncompatible(
        f"Chaîne d'audit rompue à l'événement n° {resultat.rupture.seq} : "
        f"{resultat.rupture.raison} ({resultat.evenements_verifies} événement(s) "
        "intègre(s) avant lui)."
    )


def tete(uow: UniteDeTravail, acteur: Acteur) -> dict[str, Any]:
    """What a checkpoint signs (operators): the head's number and digest, once the whole
    chain is verified (exit 6 if broken), the time of its last event, and who asks."""
    resultat = audit.verifier(uow, acteur)
    if resultat.rupture is not None:
        raise rompue(resultat)
    dernier = resultat.dernier_horodatage
    return {
        "seq": resultat.tete_seq,
        "condensat": resultat.tete_condensat,
        "dernier_evenement_le": dernier.astimezone(UTC).isoformat() if dernier else None,
        "pris_par": acteur.identifiant,
    }


def verifier(
    uow: UniteDeTravail, acteur: Acteur, reperes: Mapping[int, str] | None = None
) -> dict[str, Any]:
    """The whole chain verified (operators), and through each of ``reperes`` (event number →
    digest, from authenticated checkpoints): the event of that number exists with that
    digest and the chain goes on intact to the head (exit 6 otherwise)."""
    resultat = audit.verifier(uow, acteur, reperes=dict(reperes or {}))
    if resultat.rupture is not None:
        raise rompue(resultat)
    return {"valide": True, "evenements_verifies": resultat.evenements_verifies}
