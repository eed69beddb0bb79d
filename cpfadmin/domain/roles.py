"""The vocabulary of SPEC §1: organisme types, account rôles, statuts, niveaux."""

from __future__ import annotations

from enum import StrEnum


class TypeOrganisme(StrEnum):
    CDC = "cdc"
    EMPLOYEUR_PUBLIC = "employeur_public"
    EMPLOYEUR_PRIVE = "employeur_prive"
    CONSEIL_REGIONAL = "conseil_regional"
    OPCO = "opco"
    FRANCE_TRAVAIL = "france_travail"


class StatutOrganisme(StrEnum):
    ACTIF = "actif"
    SUSPENDU = "suspendu"


class Role(StrEnum):
    ADMINISTRATEUR_PRINCIPAL = "administrateur_principal"
    ADMINISTRATEUR_DELEGUE = "administrateur_delegue"
    GESTIONNAIRE = "gestionnaire"

    @property
    def est_administrateur(self) -> bool:
        return self is not Role.GESTIONNAIRE

    @property
    def libelle(self) -> str:
        return LIBELLES_ROLES[self]


LIBELLES_ROLES = {
    Role.ADMINISTRATEUR_PRINCIPAL: "Administrateur principal",
    Role.ADMINISTRATEUR_DELEGUE: "Administrateur délégué",
    Role.GESTIONNAIRE: "Gestionnaire",
}


class StatutCompte(StrEnum):
    ACTIF = "actif"
    SUSPENDU = "suspendu"
    SUPPRIME = "supprime"


class Niveau(StrEnum):
    CONSULTATION = "consultation"
    GESTION = "gestion"


def est_operateur(type_organisme: TypeOrganisme | str, role: Role | str) -> bool:
    """An operator (OP) is an administrator, principal or delegated, of the ``cdc`` organisme."""
    return TypeOrganisme(type_organisme) is TypeOrganisme.CDC and Role(role).est_administrateur
