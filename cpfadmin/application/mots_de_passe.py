"""Use cases of ``password``: change one's own, renew another's, read the policy."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class MotsDePasse(Groupe):
    def verifier_actuel(self, jeton: str | None, actuel: str) -> None:
        """Raise ``IdentifiantsInvalides`` unless ``actuel`` is the account's password (a
        wrong one counts toward the lockout), so a prompt asks for the new one only after."""
        from cpfadmin.services import mots_de_passe

        self._changer(jeton, lambda uow, acteur: mots_de_passe.verifier_actuel(uow, acteur, actuel))

    def verifier_conformite(self, jeton: str | None, candidat: str) -> None:
        """Raise ``MotDePasseNonConforme`` naming the rule ``candidat`` breaks; changes nothing."""
        from cpfadmin.services import mots_de_passe

        politiques = self._noyau.politiques()
        self._lire(
            jeton,
            lambda uow, acteur: mots_de_passe.verifier_conformite(
                uow, acteur, candidat, politiques
            ),
        )

    def changer(self, jeton: str | None, actuel: str, nouveau: str) -> dict[str, Any]:
        """``identifiant`` and ``autres_sessions_terminees``: the account's other sessions end."""
        from cpfadmin.services import mots_de_passe

        politiques = self._noyau.politiques()
        acteur = self._noyau.authentifier(jeton)
        n = self._noyau.executer(
            lambda uow: mots_de_passe.changer(uow, acteur, actuel, nouveau, politiques)
        )
        return {"identifiant": acteur.identifiant, "autres_sessions_terminees": n}

    def renouveler(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        """A temporary password goes to the account's e-mail (never returned), its sessions
        end, its lock is lifted; by the renewal hierarchy of SPEC §2."""
        from cpfadmin.services import mots_de_passe

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        politiques, url = noyau.politiques(), noyau.url_portail
        vue = noyau.executer(
            lambda uow: mots_de_passe.renouveler(uow, acteur, identifiant, politiques, url)
        )
        noyau.livrer(acteur)
        return vue

    def politique(self, jeton: str | None) -> dict[str, Any]:
        from cpfadmin.services import mots_de_passe

        politiques = self._noyau.politiques()
        return self._lire(
            jeton, lambda uow, acteur: mots_de_passe.politique(uow, acteur, politiques)
        )
