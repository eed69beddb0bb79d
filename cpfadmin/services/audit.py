"""Reading and verifying the audit chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cpfadmin.domain import audit, permissions, validation
from cpfadmin.domain.errors import AccesRefuse, DonneeInvalide
from cpfadmin.domain.permissions import Action
from cpfadmin.domain.suggestions import vouliez_vous_dire
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import organisme_par_siret
from cpfadmin.store.uow import UniteDeTravail


def lister(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    organisme: str | None = None,
    depuis: datetime | None = None,
    action: str | None = None,
    identifiant: str | None = None,
    limite: int | None = 1000,
) -> list[dict[str, Any]]:
    """Operators read every event; principal and delegated admins the events of their
    organisme; gestionnaires none (``AccesRefuse``)."""
    if organisme:
        cible = organisme_par_siret(uow, organisme)
        permissions.verifier(Action.AUDIT_LIRE, acteur.habilitation, cible.id)  # type: ignore[arg-type]
        organisme = cible.siret
    elif not acteur.est_operateur:
        permissions.verifier(Action.AUDIT_LIRE, acteur.habilitation, acteur.organisme_id)
        organisme = acteur.organisme_siret
    action = validation.filtre(action, "action", longueur_max=64)
    if action:
        action = action.strip().lower()
        if action not in audit.ACTIONS:
            raise DonneeInvalide(
                f"Action d'audit inconnue : « {action[:40]} » ({', '.join(audit.ACTIONS)}).",
                champ="action",
                suggestion=vouliez_vous_dire(action, audit.ACTIONS),
            )
    identifiant = validation.filtre(identifiant, "identifiant", longueur_max=64)
    evenements = uow.audit.derniers(
        organisme=organisme,
        depuis=depuis,
        action=action,
        identifiant=identifiant.strip().upper() if identifiant else None,
        limite=limite,
    )
    return [
        {
            "seq": e.seq,
            "horodatage": e.horodatage,
            "action": e.action,
            "acteur": e.acteur,
            "organisme": e.organisme,
            "cible": e.cible,
            "details": e.details,
        }
        for e in evenements
    ]


@dataclass(frozen=True)
class ResultatVerification:
    evenements_verifies: int
    rupture: audit.Rupture | None
    # The head the store recorded, and the date of the last event read: what a checkpoint
    # signs once the chain has verified.
    tete_seq: int = 0
    tete_condensat: str = audit.CONDENSAT_INITIAL
    dernier_horodatage: datetime | None = None

    @property
    def valide(self) -> bool:
        return self.rupture is None


def verifier(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    lot: int = 5000,
    reperes: Mapping[int, str] | None = None,
) -> ResultatVerification:
    """Recompute the whole chain (operators only), and check it still passes through every
    ``reperes`` (seq → digest of signed checkpoints). Streams the events in batches."""
    if not acteur.est_operateur:
        raise AccesRefuse("La vérification de la chaîne d'audit est réservée aux opérateurs.")
    tete = uow.audit.tete()

    dernier_horodatage: list[datetime] = []

    def maillons():  # type: ignore[no-untyped-def]
        for paquet in uow.audit.par_lots(lot):
            for e in paquet:
                yield audit.Maillon(
                    e.seq,
                    e.horodatage,
                    e.action,
                    e.acteur,
                    e.organisme,
                    e.cible,
                    e.details,
                    e.precedent,
                    e.condensat,
                )
            dernier_horodatage[:] = [paquet[-1].horodatage]

    tete_seq, tete_condensat = tete.seq, tete.condensat
    n, rupture = audit.verifier_chaine(
        maillons(), tete_seq=tete_seq, tete_condensat=tete_condensat, reperes=reperes
    )
    return ResultatVerification(
        n,
        rupture,
        tete_seq=tete_seq,
        tete_condensat=tete_condensat,
        dernier_horodatage=dernier_horodatage[0] if dernier_horodatage else None,
    )
