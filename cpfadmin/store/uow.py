"""The unit of work: one transaction, rolled back unless told to commit. Audit events recorded
during the work are chained and written at commit, inside the same transaction, so a change
and its audit commit or roll back together."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from cpfadmin.domain import audit
from cpfadmin.domain.errors import DelaiDepasse, StockageIndisponible
from cpfadmin.store import audit as depot_audit
from cpfadmin.store import comptes as depot_comptes
from cpfadmin.store import courrier as depot_courrier
from cpfadmin.store import repositories
from cpfadmin.store.engine import LECTURE, masquer, raison_pilote

T = TypeVar("T")
Horloge = Callable[[], datetime]


def horloge_systeme() -> datetime:
    return datetime.now(UTC)


class ConcurrenceTransitoire(Exception):
    """The store asked us to try again (SQLite busy, PostgreSQL serialization failure or
    deadlock). Never reaches the user: ``executer`` retries."""


def _est_transitoire(erreur: DBAPIError) -> bool:
    message = str(erreur.orig).lower()
    if "database is locked" in message or "database is busy" in message:
        return True
    code = getattr(erreur.orig, "sqlstate", None)
    # serialization_failure, deadlock_detected, and unique_violation: every writer checks
    # before it inserts, but under READ COMMITTED two processes may both see a value as free;
    # run again, the check sees the other's row and gives the ordinary answer ("exists").
    return code in ("40001", "40P01", "23505")


class UniteDeTravail:
    def __init__(
        self,
        moteur: Engine,
        horloge: Horloge = horloge_systeme,
        *,
        lecture: bool = False,
        echeance: float | None = None,
    ):
        self.moteur = moteur
        self.horloge = horloge
        self.lecture = lecture
        # The server's request time limit (``time.monotonic()``): PostgreSQL cancels a
        # statement that would pass it, and no work commits after it — the request answers
        # « délai dépassé » and nothing of it is written.
        self.echeance = echeance
        self._evenements: list[dict[str, Any]] = []

    def __enter__(self) -> UniteDeTravail:
        bind = self.moteur.execution_options(**{LECTURE: True}) if self.lecture else self.moteur
        self.session = Session(bind, expire_on_commit=False, autoflush=True)
        self.comptes = depot_comptes.Comptes(self.session)
        self.organismes = repositories.Organismes(self.session)
        self.cgu = repositories.Cgus(self.session)
        # the accounts' login sessions (not the ORM session above)
        self.sessions_compte = repositories.Sessions(self.session)
        self.unites = repositories.Unites(self.session)
        self.politique = repositories.Politique(self.session)
        self.etapes = repositories.EtapesConnexion(self.session)
        self.limitations = repositories.LimitationsSource(self.session)
        self.courrier = depot_courrier.Courrier(self.session)
        # the journal's reads (``auditer`` below records an event)
        self.audit = depot_audit.JournalAudit(self.session)
        self._evenements = []
        if self.echeance is not None and self.moteur.dialect.name == "postgresql":
            from sqlalchemy import text

            reste = max(1, int((self.echeance - time.monotonic()) * 1000))
            self.session.execute(text(f"SET LOCAL statement_timeout = {reste}"))
        return self

    def __exit__(self, type_, erreur, tb) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # loaded objects readable (detached) for the caller.
        with contextlib.suppress(DBAPIError):
            self.session.close()
        if isinstance(erreur, DBAPIError):
            if getattr(erreur.orig, "sqlstate", None) == "57014" and self.echeance is not None:
                raise DelaiDepasse() from erreur  # query_canceled by the statement timeout
            if _est_transitoire(erreur):
                raise ConcurrenceTransitoire(str(erreur.orig)) from erreur
            if isinstance(erreur, OperationalError) or erreur.connection_invalidated:
                raise StockageIndisponible(
                    f"Base de données indisponible ({masquer(str(self.moteur.url))}) : "
                    f"{raison_pilote(erreur)}"
                ) from erreur

    def maintenant(self) -> datetime:
        return self.horloge()

    def auditer(
        self,
        action: str,
        *,
        acteur: str | None = None,
        organisme: str | None = None,
        cible: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        details = details or {}
        audit.verifier_details(details)
        self._evenements.append(
            {
                "horodatage": self.maintenant().astimezone(UTC),
                "action": action,
                "acteur": acteur,
                "organisme": organisme,
                "cible": cible,
                "details": details,
            }
        )

    def _ecrire_audit(self) -> None:
        # The head row is locked last, just before commit, so every writer takes its locks in
        # the same order and the chain is extended by one transaction at a time.
        tete = self.audit.tete(verrouiller=True)
        seq, precedent = tete.seq, tete.condensat
        lignes = []
        for e in self._evenements:
            seq += 1
            condensat = audit.condensat_evenement(seq=seq, precedent=precedent, **e)
            lignes.append({"seq": seq, "precedent": precedent, "condensat": condensat, **e})
            precedent = condensat
        self.audit.inserer(lignes)
        tete.seq, tete.condensat = seq, precedent
        self._evenements = []

    def purger_journal(self) -> None:
        """After secrets were erased: on SQLite, copy the write-ahead log into the base and
        empty it, so the erased values stay in no file (``secure_delete`` zeroes them in the
        base itself). Best effort: a concurrent reader may delay it to the next purge."""
        if self.moteur.dialect.name != "sqlite":
            return
        connexion = self.moteur.raw_connection()
        try:
            # Outside any transaction (the driver connection is in autocommit mode here).
            with contextlib.suppress(Exception):
                connexion.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            connexion.close()

    def flush(self) -> None:
        """Send the pending changes to the store now, before the commit: when a constraint
        must see them in order (one active principal admin), or a new row's id is needed."""
        self.session.flush()

    def commit(self) -> None:
        if self._evenements:
            self.session.flush()
            self._ecrire_audit()
        # Last thing before COMMIT, so that only the COMMIT itself can outlast the limit.
        if self.echeance is not None and time.monotonic() >= self.echeance:
            raise DelaiDepasse()
        self.session.commit()


def executer(
    fabrique: Callable[[], UniteDeTravail],
    travail: Callable[[UniteDeTravail], T],
    *,
    tentatives: int = 8,
) -> T:
    """Run ``travail`` in a fresh unit of work, again with back-off when the store reports a
    transient conflict, so "database is locked" never reaches the user."""
    for essai in range(tentatives):
        try:
            with fabrique() as uow:
                return travail(uow)
        except ConcurrenceTransitoire:
            if essai == tentatives - 1:
                break
            if uow.echeance is not None and time.monotonic() >= uow.echeance:
                raise DelaiDepasse() from None
            time.sleep(min(2.0, 0.05 * 2**essai) * (0.5 + random.random()))
    raise StockageIndisponible(
        "Base de données occupée : l'opération n'a pas pu aboutir, réessayez."
    )
