"""The audit journal's queries: its head, the events a reader asks for, the whole chain in
batches, and the bulk insert of a transaction's events. Services ask these; they never build
SQL themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from cpfadmin.store.models import EvenementAudit, TeteAudit
from cpfadmin.store.repositories import Depot


class JournalAudit(Depot):
    def tete(self, *, verrouiller: bool = False) -> TeteAudit:
        """The head row: the last sequence number and digest of the chain."""
        requete = select(TeteAudit).where(TeteAudit.id == 1)
        if verrouiller:
            requete = requete.with_for_update()
        return self.session.exec(requete).one()

    def inserer(self, lignes: list[dict[str, Any]]) -> None:
        # One multi-row INSERT: a bulk import writes thousands of events per transaction.
        self.session.execute(insert(EvenementAudit.__table__), lignes)  # type: ignore[attr-defined]

    def derniers(
        self,
        *,
        organisme: str | None = None,
        depuis: datetime | None = None,
        action: str | None = None,
        identifiant: str | None = None,
        limite: int | None = None,
    ) -> list[EvenementAudit]:
        """The last ``limite`` events (all when None), oldest first, filtered by organisme
        SIRET, date, action and an identifiant that acted or was acted upon."""
        requete = select(EvenementAudit)
        if organisme:
            requete = requete.where(EvenementAudit.organisme == organisme)
        if depuis:
            requete = requete.where(col(EvenementAudit.horodatage) >= depuis)
        if action:
            requete = requete.where(EvenementAudit.action == action)
        if identifiant is not None:
            requete = requete.where(
                (col(EvenementAudit.acteur) == identifiant)
                | (col(EvenementAudit.cible) == identifiant)
            )
        requete = requete.order_by(col(EvenementAudit.seq).desc())
        if limite:
            requete = requete.limit(limite)
        evenements = list(self.session.exec(requete))
        evenements.reverse()
        return evenements

    def par_lots(self, taille: int) -> Iterator[list[EvenementAudit]]:
        """The whole chain in sequence order, ``taille`` events at a time. Each batch is let go
        of when the next is asked for, so that memory stays flat however long the chain."""
        dernier = 0
        while True:
            paquet = list(
                self.session.exec(
                    select(EvenementAudit)
                    .where(EvenementAudit.seq > dernier)
                    .order_by(col(EvenementAudit.seq))
                    .limit(taille)
                )
            )
            if not paquet:
                return
            yield paquet
            dernier = paquet[-1].seq
            self.session.expunge_all()
