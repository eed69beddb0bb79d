"""Use cases of ``me``: one's own account, organisme, menu and CGU."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Moi(Groupe):
    def profil(self, jeton: str | None) -> dict[str, Any]:
        """The account, its organisme, role, unité, niveau, menu, and both limits of the
        session (``session_expire_le``, ``session_inactivite_minutes``)."""
        from cpfadmin.services.comptes import profil

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        donnees = noyau.executer(lambda uow: profil(uow, acteur), lecture=True)
        donnees["session_expire_le"] = acteur.session_fin_le or donnees["session_expire_le"]
        donnees["session_inactivite_minutes"] = noyau.politiques().session_idle_minutes
        return donnees

    def reauthentification_requise(self, jeton: str | None, **saisies: str | None) -> bool:
        """Whether these changes need the current password (a new e-mail address does); a
        wrong value is said here, before the password is asked for."""
        from cpfadmin.services.comptes import reauthentification_requise

        return self._lire(
            jeton, lambda uow, acteur: reauthentification_requise(uow, acteur, **saisies)
        )

    def modifier(
        self, jeton: str | None, *, actuel: str | None = None, **saisies: str | None
    ) -> dict[str, Any]:
        """E-mail and phones; ``modifie`` says whether anything changed, ``avis_envoye_a`` the
        former address told of a new one (the notice is delivered before this returns)."""
        from cpfadmin.services.comptes import modifier_moi

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        vue = noyau.executer(lambda uow: modifier_moi(uow, acteur, **saisies, actuel=actuel))
        if vue["avis_envoye_a"]:
            noyau.livrer(acteur, compte_id=acteur.compte_id)
        return vue

    def cgu(self, jeton: str | None) -> dict[str, Any]:
        from cpfadmin.services import cgu

        return self._lire(jeton, cgu.consulter)

    def accepter_cgu(self, jeton: str | None) -> dict[str, Any]:
        from cpfadmin.services import cgu

        return self._changer(jeton, cgu.accepter)
