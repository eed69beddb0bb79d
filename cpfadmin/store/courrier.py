"""The outbox's queries: queueing, superseding, expiring, claiming the due messages and
listing them. Services ask these; they never build SQL themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import col, select

from cpfadmin.store.models import Compte, Message
from cpfadmin.store.repositories import Depot

EN_ATTENTE = "en_attente"


def _perimetre(requete: Any, organisme_id: int | None, compte_id: int | None) -> Any:
    """``requete`` kept to the messages of one account and/or of one organisme's accounts."""
    if compte_id is not None:
        requete = requete.where(col(Message.compte_id) == compte_id)
    if organisme_id is None:
        return requete
    comptes = select(Compte.id).where(Compte.organisme_id == organisme_id)
    return requete.where(col(Message.compte_id).in_(comptes))


class Courrier(Depot):
    def mettre_en_file(self, message: Message) -> Message:
        """Queue the message (written with the rest of the transaction)."""
        self.session.add(message)
        return message

    def inserer_en_masse(self, lignes: list[dict[str, Any]]) -> None:
        """Queue messages given as plain rows (an import's thousands), in one executemany."""
        self.session.execute(insert(Message.__table__), lignes)  # type: ignore[attr-defined]

    def remplacer_secrets(self, compte_id: int) -> None:
        """The account's undelivered messages that carry a secret are superseded, their
        secret dropped."""
        self.session.exec(  # type: ignore[call-overload]
            update(Message)
            .where(
                col(Message.compte_id) == compte_id,
                col(Message.statut) == EN_ATTENTE,
                col(Message.secret).is_not(None),
            )
            .values(statut="remplace", secret=None)
        )

    def expirer(
        self,
        maintenant: datetime,
        *,
        organisme_id: int | None = None,
        compte_id: int | None = None,
    ) -> int:
        """Undelivered messages past their expiry become expired, their secret dropped; how
        many is returned."""
        requete = _perimetre(
            update(Message).where(
                col(Message.statut) == EN_ATTENTE,
                col(Message.expire_le).is_not(None),
                col(Message.expire_le) <= maintenant,
            ),
            organisme_id,
            compte_id,
        ).values(statut="expire", secret=None)
        return self.session.exec(requete).rowcount  # type: ignore[call-overload]

    def reserver(
        self,
        maintenant: datetime,
        jusqua: datetime,
        taille: int,
        *,
        organisme_id: int | None = None,
        compte_id: int | None = None,
    ) -> list[Message]:
        """Claim up to ``taille`` due messages, in id order, by moving their next attempt to
        ``jusqua``: a concurrent sender skips what this one holds."""
        dus = _perimetre(
            select(Message.id)
            .where(
                col(Message.statut) == EN_ATTENTE,
                col(Message.prochaine_tentative_le) <= maintenant,
            )
            .order_by(col(Message.id))
            .limit(taille),
            organisme_id,
            compte_id,
        )
        ids = list(self.session.exec(dus))
        if not ids:
            return []
        reserves = (
            self.session.exec(  # type: ignore[call-overload]
                update(Message)
                .where(
                    col(Message.id).in_(ids),
                    col(Message.statut) == EN_ATTENTE,
                    col(Message.prochaine_tentative_le) <= maintenant,
                )
                .values(prochaine_tentative_le=jusqua)
                .returning(Message.id)
            )
            .scalars()
            .all()
        )
        return list(
            self.session.exec(
                select(Message).where(col(Message.id).in_(reserves)).order_by(col(Message.id))
            )
        )

    def par_ids(self, ids: Iterable[int]) -> list[Message]:
        return list(self.session.exec(select(Message).where(col(Message.id).in_(list(ids)))))

    def compter_en_attente(
        self, *, organisme_id: int | None = None, compte_id: int | None = None
    ) -> int:
        requete = _perimetre(
            select(func.count()).select_from(Message).where(col(Message.statut) == EN_ATTENTE),
            organisme_id,
            compte_id,
        )
        return int(self.session.exec(requete).one())

    def derniers(
        self, *, organisme_id: int | None = None, statut: str | None = None, limite: int = 1000
    ) -> list[tuple[Message, str | None]]:
        """The last ``limite`` messages (of the organisme's accounts), oldest first, each with
        the identifiant of its account."""
        requete = _perimetre(
            select(Message, Compte.identifiant).join(
                Compte, col(Compte.id) == col(Message.compte_id), isouter=True
            ),
            organisme_id,
            None,
        )
        if statut:
            requete = requete.where(col(Message.statut) == statut)
        lignes = list(self.session.exec(requete.order_by(col(Message.id).desc()).limit(limite)))
        lignes.reverse()
        return lignes
