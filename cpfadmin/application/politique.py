"""Use cases of ``politique``: the system's security policy, held by the store (SPEC §4)."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Politique(Groupe):
    def montrer(self, jeton: str | None) -> list[dict[str, Any]]:
        """Each key: value, default, bounds, who changed it last, ``hors_bornes``; open to
        every account."""
        from cpfadmin.services import politique

        return self._lire(jeton, lambda uow, _acteur: politique.vue(uow))

    def definir(self, jeton: str | None, cle: str, valeur: str) -> dict[str, Any]:
        """Operators only; a value out of bounds is ``DonneeInvalide``; audited."""
        from cpfadmin.services import politique

        return self._changer(jeton, lambda uow, acteur: politique.definir(uow, acteur, cle, valeur))
