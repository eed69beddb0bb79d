"""Use cases of ``organismes``: the operators' console (SPEC §2)."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Organismes(Groupe):
    def ajouter(
        self, jeton: str | None, *, siret: str, raison_sociale: str, type_: str
    ) -> dict[str, Any]:
        from cpfadmin.services import organismes

        return self._changer(
            jeton,
            lambda uow, acteur: organismes.ajouter(
                uow, acteur, siret=siret, raison_sociale=raison_sociale, type_=type_
            ),
        )

    def lister(
        self,
        jeton: str | None,
        *,
        type_: str | None = None,
        statut: str | None = None,
        recherche: str | None = None,
    ) -> list[dict[str, Any]]:
        from cpfadmin.services import organismes

        return self._lire(
            jeton,
            lambda uow, acteur: organismes.lister(
                uow, acteur, type_=type_, statut=statut, recherche=recherche
            ),
        )

    def montrer(self, jeton: str | None, siret: str) -> dict[str, Any]:
        from cpfadmin.services import organismes

        return self._lire(jeton, lambda uow, acteur: organismes.montrer(uow, acteur, siret))

    def modifier(
        self,
        jeton: str | None,
        siret: str,
        *,
        raison_sociale: str | None = None,
        statut: str | None = None,
    ) -> dict[str, Any]:
        from cpfadmin.services import organismes

        return self._changer(
            jeton,
            lambda uow, acteur: organismes.modifier(
                uow, acteur, siret, raison_sociale=raison_sociale, statut=statut
            ),
        )

    def designer_administrateur(
        self,
        jeton: str | None,
        siret: str,
        *,
        identifiant: str | None = None,
        donnees: dict[str, str | None] | None = None,
    ) -> dict[str, Any]:
        """``compte``: the principal administrator's view; ``cree``: a new account, whose
        temporary password is sent; ``ancien_administrateur``: the former one, now a délégué."""
        from cpfadmin.services import organismes

        noyau = self._noyau
        acteur = noyau.authentifier(jeton)
        politiques, url = noyau.politiques(), noyau.url_portail
        designation = noyau.executer(
            lambda uow: organismes.designer_administrateur(
                uow, acteur, politiques, url, siret, identifiant=identifiant, donnees=donnees
            )
        )
        if designation.cree:
            noyau.livrer(acteur)
        return {
            "compte": designation.vue,
            "cree": designation.cree,
            "ancien_administrateur": designation.ancien_administrateur,
        }
