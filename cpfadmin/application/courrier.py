"""Use cases of ``outbox``: the automatic messages waiting, and their delivery."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Courrier(Groupe):
    def lister(
        self, jeton: str | None, *, statut: str | None = None, limite: int = 1000
    ) -> list[dict[str, Any]]:
        """The messages within the account's reach, newest first, never their secret content."""
        from cpfadmin.services import courrier

        return self._lire(
            jeton, lambda uow, acteur: courrier.lister(uow, acteur, statut=statut, limite=limite)
        )

    def envoyer(self, jeton: str | None) -> dict[str, Any]:
        """Deliver the due messages (three immediate tries each); a transport the store does
        not admit is ``TransportNonAdmis``. ``envoyes``, ``expires``, ``echecs`` (each with its
        recipient and error), ``en_attente``."""
        acteur = self._noyau.authentifier(jeton)
        rapport = self._noyau.livrer(acteur, avertir=False, exiger=True, essais_immediats=3)
        return rapport.en_dict()
