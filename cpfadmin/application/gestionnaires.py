"""Use cases of ``gestionnaires``: habiliter, lister, modifier, suspendre, supprimer. The bulk
import and the export are in ``application.importation``."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe
from cpfadmin.domain.champs import CHAMPS

# The fields an account is created with or changed by, as the use cases take them (the domain's
# table of fields, less those a use case takes by a name of its own: unité, niveau, délégué).
CHAMPS_COMPTE = tuple(
    c.nom for c in CHAMPS if c.nom not in ("unite", "niveau_habilitation", "administrateur_delegue")
)


class Gestionnaires(Groupe):
    def ajouter(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        delegue: bool = False,
        unite: str | None = None,
        niveau: str | None = None,
        **champs: str | None,
    ) -> dict[str, Any]:
        """The new account's view (its ``identifiant`` is for the person); its temporary
        password goes by e-mail, delivered before this returns."""
        from cpfadmin.services import gestionnaires

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        politiques, url = noyau.politiques(), noyau.url_portail
        cree = noyau.executer(
            lambda uow: gestionnaires.ajouter(
                uow,
                acteur,
                politiques,
                url,
                organisme_siret=organisme,
                unite=unite,
                niveau=niveau,
                delegue=delegue,
                **champs,
            )
        )
        noyau.livrer(acteur)
        return cree.vue

    def lister(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        unite: str | None = None,
        role: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
        limite: int | None = None,
    ) -> list[dict[str, Any]]:
        from cpfadmin.services import gestionnaires

        return self._lire(
            jeton,
            lambda uow, acteur: gestionnaires.lister(
                uow,
                acteur,
                organisme_siret=organisme,
                unite=unite,
                role=role,
                statut=statut,
                recherche=recherche,
                limite=limite,
            ),
        )

    def montrer(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        from cpfadmin.services import gestionnaires

        return self._lire(
            jeton, lambda uow, acteur: gestionnaires.montrer(uow, acteur, identifiant)
        )

    def modifier(self, jeton: str | None, identifiant: str, **changements: Any) -> dict[str, Any]:
        """``changements``: the fields of ``CHAMPS_COMPTE``, ``unite``/``sans_unite``,
        ``niveau``/``sans_niveau``, ``delegue``. A new e-mail address sends a notice to the
        former one."""
        from cpfadmin.services import gestionnaires

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        vue = noyau.executer(
            lambda uow: gestionnaires.modifier(uow, acteur, identifiant, **changements)
        )
        if changements.get("email") is not None:
            noyau.livrer(acteur)  # the notice to the former address, if the address changed
        return vue

    def suspendre(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        from cpfadmin.services import gestionnaires

        return self._changer(
            jeton, lambda uow, acteur: gestionnaires.suspendre(uow, acteur, identifiant)
        )

    def reactiver(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        from cpfadmin.services import gestionnaires

        return self._changer(
            jeton, lambda uow, acteur: gestionnaires.reactiver(uow, acteur, identifiant)
        )

    def supprimer(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        from cpfadmin.services import gestionnaires

        return self._changer(
            jeton, lambda uow, acteur: gestionnaires.supprimer(uow, acteur, identifiant)
        )

    def deverrouiller(self, jeton: str | None, identifiant: str) -> dict[str, Any]:
        from cpfadmin.services import gestionnaires

        return self._changer(
            jeton, lambda uow, acteur: gestionnaires.deverrouiller(uow, acteur, identifiant)
        )
