"""``cpfadmin init``: the cdc organisme, its first operator and the first CGU."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from cpfadmin.domain import validation
from cpfadmin.domain.errors import DejaInitialise
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role, StatutOrganisme, TypeOrganisme
from cpfadmin.services.comptes import DonneesCompte, creer_compte
from cpfadmin.store.models import Cgu, Organisme
from cpfadmin.store.uow import UniteDeTravail

SIRET_CDC = "18002002600019"
RAISON_SOCIALE_CDC = "Caisse des Dépôts et Consignations"
VERSION_CGU_INITIALE = "1.0"


@dataclass(frozen=True)
class Initialisation:
    identifiant: str
    mot_de_passe_temporaire: str
    organisme_siret: str
    temporaire_expire_le: object


def texte_cgu_initial() -> str:
    return files("cpfadmin.data").joinpath("cgu-1.0.txt").read_text(encoding="utf-8")


def initialiser(
    uow: UniteDeTravail,
    donnees: DonneesCompte,
    politiques: Politiques,
    *,
    siret: str = SIRET_CDC,
    raison_sociale: str = RAISON_SOCIALE_CDC,
) -> Initialisation:
    """Create the cdc organisme, its first operator (principal admin) and CGU 1.0.
    Raises ``DejaInitialise`` when the cdc organisme exists. The temporary password is the one
    secret cpfadmin ever returns to print: nobody stands above this account to receive it."""
    if uow.organismes.cdc() is not None:
        raise DejaInitialise()
    maintenant = uow.maintenant()
    organisme = uow.organismes.ajouter(
        Organisme(
            siret=validation.siret(siret),
            raison_sociale=validation.texte(raison_sociale, "raison_sociale", longueur_max=200),
            type=TypeOrganisme.CDC.value,
            statut=StatutOrganisme.ACTIF.value,
            cree_le=maintenant,
        )
    )
    compte, temporaire = creer_compte(
        uow, organisme, donnees, Role.ADMINISTRATEUR_PRINCIPAL, politiques
    )
    uow.cgu.ajouter(
        Cgu(version=VERSION_CGU_INITIALE, texte=texte_cgu_initial(), publiee_le=maintenant)
    )
    uow.auditer(
        "initialisation",
        acteur=None,
        organisme=organisme.siret,
        cible=compte.identifiant,
        details={
            "organisme": {"siret": organisme.siret, "raison_sociale": organisme.raison_sociale},
            "operateur": {"identifiant": compte.identifiant, "email": compte.email},
            "cgu_version": VERSION_CGU_INITIALE,
        },
    )
    uow.commit()
    return Initialisation(
        identifiant=compte.identifiant,
        mot_de_passe_temporaire=temporaire,
        organisme_siret=organisme.siret,
        temporaire_expire_le=compte.temporaire_expire_le,
    )
