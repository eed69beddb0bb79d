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

    def livrer(self, jeton: str | None) -> dict[str, Any]:
        """Deliver the due messages within the account's reach, as after any change: a failure
        is a warning and the message stays queued (a server, after an import answered)."""
        acteur = self._noyau.authentifier(jeton)
        return self._noyau.livrer(acteur).en_dict()

    def relancer(self) -> dict[str, Any]:
        """Deliver every message whose time has come, whoever queued it: the periodic retry of
        a server (no session — the server's own duty). A transport the store does not admit
        raises ``TransportNonAdmis``."""
        from cpfadmin.services import courrier

        noyau = self._noyau
        transport = noyau.transport()
        rapport = noyau.proteger(
            lambda: courrier.livrer(
                noyau.fabrique(), transport, noyau.profil.courrier.sender, essais_immediats=1
            )
        )
        return rapport.en_dict()
