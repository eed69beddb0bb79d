"""Use cases of ``audit``: the chained journal, and its signed checkpoints kept outside the
store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from cpfadmin.application.noyau import Groupe


class Audit(Groupe):
    def lister(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        depuis: datetime | None = None,
        action: str | None = None,
        identifiant: str | None = None,
        limite: int = 1000,
    ) -> list[dict[str, Any]]:
        """Operators: every event; administrators: their organisme's; newest first."""
        from cpfadmin.services import audit

        return self._lire(
            jeton,
            lambda uow, acteur: audit.lister(
                uow,
                acteur,
                organisme=organisme,
                depuis=depuis,
                action=action,
                identifiant=identifiant,
                limite=limite,
            ),
        )

    def verifier(
        self,
        jeton: str | None,
        *,
        points: list[Path] | None = None,
        cles_publiques: dict[Path, str] | None = None,
    ) -> dict[str, Any]:
        """The whole chain (operators; ``EtatIncompatible`` naming the first broken event), and
        that it extends each checkpoint of ``points``, signed by a trusted key: those of
        ``cles_publiques`` (each file with where the front end says it comes from), else the
        profile's ``audit_checkpoint_key``."""
        from cpfadmin.application import points_de_controle as points_

        profil = self._noyau.profil
        return points_.verifier(
            points or [],
            lambda: points_.cles_de_confiance(
                cles_publiques or {}, profil.cle_point_de_controle, profil.nom
            ),
            lambda reperes: self.verifier_chaine(jeton, reperes),
        )

    def verifier_chaine(self, jeton: str | None, reperes: dict[int, str]) -> dict[str, Any]:
        """The chain verified through ``reperes`` (event number → digest), the store's part of
        ``verifier`` — what a server answers at ``POST /audit/verification``."""
        from cpfadmin.services import points_de_controle

        return self._lire(
            jeton, lambda uow, acteur: points_de_controle.verifier(uow, acteur, reperes)
        )

    def tete(self, jeton: str | None) -> dict[str, Any]:
        """The verified head of the chain a checkpoint signs (operators)."""
        from cpfadmin.services import points_de_controle

        return self._lire(jeton, points_de_controle.tete)

    def prendre_point(
        self,
        jeton: str | None,
        *,
        cle: Path | None = None,
        fichier: Path | None = None,
        ecraser: bool = False,
    ) -> dict[str, Any]:
        """Sign the head of the chain (operators) with the Ed25519 key ``cle`` (else the
        profile's), after verifying the chain; written to ``fichier`` if given."""
        from cpfadmin.application import points_de_controle as points_

        profil = self._noyau.profil
        return points_.prendre(
            cle,
            profil.cle_point_de_controle,
            profil.nom,
            fichier,
            ecraser,
            self._noyau.base_affichee(),
            lambda: self.tete(jeton),
        )

    def creer_cle(self, fichier: Path, *, ecraser: bool = False) -> dict[str, Any]:
        from cpfadmin.application.points_de_controle import creer_cle

        return creer_cle(fichier, ecraser=ecraser)
