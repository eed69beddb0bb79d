"""Use cases of ``unites``: labels within an organisme that help searches."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Unites(Groupe):
    def ajouter(
        self, jeton: str | None, libelle: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        from cpfadmin.services import unites

        return self._changer(
            jeton,
            lambda uow, acteur: unites.ajouter(uow, acteur, libelle, organisme_siret=organisme),
        )

    def lister(self, jeton: str | None, *, organisme: str | None = None) -> list[dict[str, Any]]:
        from cpfadmin.services import unites

        return self._lire(
            jeton, lambda uow, acteur: unites.lister(uow, acteur, organisme_siret=organisme)
        )

    def renommer(
        self, jeton: str | None, ancien: str, nouveau: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        from cpfadmin.services import unites

        return self._changer(
            jeton,
            lambda uow, acteur: unites.renommer(
                uow, acteur, ancien, nouveau, organisme_siret=organisme
            ),
        )

    def supprimer(
        self, jeton: str | None, libelle: str, *, organisme: str | None = None
    ) -> dict[str, Any]:
        from cpfadmin.services import unites

        return self._changer(
            jeton,
            lambda uow, acteur: unites.supprimer(uow, acteur, libelle, organisme_siret=organisme),
        )
