"""Use cases of ``cgu``: the operators publish the terms of use."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Cgu(Groupe):
    def publier(self, jeton: str | None, texte: str, version: str) -> dict[str, Any]:
        """Every account accepts the new version at its next login."""
        from cpfadmin.services import cgu

        return self._changer(jeton, lambda uow, acteur: cgu.publier(uow, acteur, texte, version))
