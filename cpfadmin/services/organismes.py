"""The operators' console: organismes and their principal administrators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpfadmin.domain import validation
from cpfadmin.domain.errors import Commande, DejaExistant, DonneeInvalide, EtatIncompatible, Option
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role, StatutCompte, StatutOrganisme, TypeOrganisme
from cpfadmin.domain.suggestions import vouliez_vous_dire
from cpfadmin.services import courrier
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import (
    DonneesCompte,
    compte_par_identifiant,
    creer_compte,
    differences,
    organisme_par_siret,
)
from cpfadmin.store.models import Compte, Organisme
from cpfadmin.store.uow import UniteDeTravail


def _type(valeur: str) -> TypeOrganisme:
    try:
        t = TypeOrganisme(valeur.strip().lower())
    except ValueError:
        permis = ", ".join(t.value for t in TypeOrganisme if t is not TypeOrganisme.CDC)
        raise DonneeInvalide(
            f"Type d'organisme invalide : « {valeur} » ({permis}).",
            champ="type",
            suggestion=vouliez_vous_dire(valeur, permis.split(", ")),
        ) from None
    if t is TypeOrganisme.CDC:
        raise DonneeInvalide(
            ("Il n'existe qu'un organisme cdc, créé par « ", Commande("init"), " »."), champ="type"
        )
    return t


def _statut(valeur: str) -> StatutOrganisme:
    try:
        return StatutOrganisme(valeur.strip().lower())
    except ValueError:
        raise DonneeInvalide(
            f"Statut d'organisme invalide : « {valeur} » (actif ou suspendu).",
            champ="statut",
            suggestion=vouliez_vous_dire(valeur, [s.value for s in StatutOrganisme]),
        ) from None


def vue(uow: UniteDeTravail, organisme: Organisme) -> dict[str, Any]:
    admin = uow.comptes.administrateur_principal(organisme.id)  # type: ignore[arg-type]
    actifs = uow.comptes.compter_actifs(organisme_id=organisme.id)
    return {
        "siret": organisme.siret,
        "raison_sociale": organisme.raison_sociale,
        "type": organisme.type,
        "statut": organisme.statut,
        "cree_le": organisme.cree_le,
        "administrateur_principal": admin.identifiant if admin else None,
        "comptes_actifs": actifs,
    }


def ajouter(
    uow: UniteDeTravail, acteur: Acteur, *, siret: str, raison_sociale: str, type_: str
) -> dict[str, Any]:
    """Create an organisme (operators). Raises ``DonneeInvalide`` (SIRET, type) or
    ``DejaExistant`` (SIRET taken)."""
    verifier(Action.ORGANISME_GERER, acteur.habilitation, -1)
    siret_n = validation.siret(siret)
    texte = validation.texte(raison_sociale, "raison_sociale", longueur_max=200)
    t = _type(type_)
    if uow.organismes.par_siret(siret_n) is not None:
        raise DejaExistant(f"Un organisme de SIRET {siret_n} existe déjà.")
    organisme = uow.organismes.ajouter(
        Organisme(
            siret=siret_n,
            raison_sociale=texte,
            type=t.value,
            statut=StatutOrganisme.ACTIF.value,
            cree_le=uow.maintenant(),
        )
    )
    uow.auditer(
        "organisme_cree",
        acteur=acteur.identifiant,
        organisme=siret_n,
        cible=siret_n,
        details={"raison_sociale": texte, "type": t.value},
    )
    uow.commit()
    return vue(uow, organisme)


def lister(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    type_: str | None = None,
    statut: str | None = None,
    recherche: str | None = None,
) -> list[dict[str, Any]]:
    verifier(Action.ORGANISME_GERER, acteur.habilitation, -1)
    valeur_type = None
    if type_:
        valeur_type = type_.strip().lower()
        if valeur_type != TypeOrganisme.CDC.value:
            valeur_type = _type(type_).value
    valeur_statut = _statut(statut).value if statut else None
    texte = None
    if recherche:
        texte = (validation.filtre(recherche, "search") or "").strip().lower()
    organismes = uow.organismes.lister(type_=valeur_type, statut=valeur_statut, recherche=texte)
    return [vue(uow, o) for o in organismes]


def montrer(uow: UniteDeTravail, acteur: Acteur, siret: str) -> dict[str, Any]:
    organisme = organisme_par_siret(uow, siret)
    verifier(
        Action.COMPTES_CONSULTER,
        acteur.habilitation,
        organisme.id,  # type: ignore[arg-type]
        objet="organisme",
    )
    return vue(uow, organisme)


def modifier(
    uow: UniteDeTravail,
    acteur: Acteur,
    siret: str,
    *,
    raison_sociale: str | None = None,
    statut: str | None = None,
) -> dict[str, Any]:
    """Rename or suspend/reactivate an organisme (operators). Suspending ends every session of
    its accounts; the cdc organisme cannot be suspended."""
    organisme = organisme_par_siret(uow, siret)
    verifier(Action.ORGANISME_GERER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    avant = {"raison_sociale": organisme.raison_sociale, "statut": organisme.statut}
    if raison_sociale is not None:
        organisme.raison_sociale = validation.texte(
            raison_sociale, "raison_sociale", longueur_max=200
        )
    if statut is not None:
        nouveau = _statut(statut)
        if nouveau is StatutOrganisme.SUSPENDU and organisme.type == TypeOrganisme.CDC.value:
            raise EtatIncompatible("L'organisme CDC ne peut pas être suspendu.")
        organisme.statut = nouveau.value
    apres = {"raison_sociale": organisme.raison_sociale, "statut": organisme.statut}
    changements = differences(avant, apres)
    if changements:
        if (
            organisme.statut == StatutOrganisme.SUSPENDU.value
            and avant["statut"] != organisme.statut
        ):
            uow.sessions_compte.revoquer_organisme(organisme.id, uow.maintenant())  # type: ignore[arg-type]
        uow.auditer(
            "organisme_modifie",
            acteur=acteur.identifiant,
            organisme=organisme.siret,
            details=changements,
        )
    uow.commit()
    return vue(uow, organisme)


@dataclass(frozen=True)
class Designation:
    identifiant: str
    cree: bool
    ancien_administrateur: str | None
    vue: dict[str, Any]


def designer_administrateur(
    uow: UniteDeTravail,
    acteur: Acteur,
    politiques: Politiques,
    url_portail: str,
    siret: str,
    *,
    identifiant: str | None = None,
    donnees: dict[str, str | None] | None = None,
) -> Designation:
    """Make a new account, or an active member (``identifiant``), the principal admin of the
    organisme (operators). The previous one becomes delegated admin in the same transaction,
    so the organisme always has exactly one active principal admin."""
    organisme = organisme_par_siret(uow, siret)
    verifier(Action.ADMIN_DESIGNER, acteur.habilitation, organisme.id)  # type: ignore[arg-type]
    if organisme.statut != StatutOrganisme.ACTIF.value:
        raise EtatIncompatible(f"L'organisme {organisme.siret} est suspendu.")
    if identifiant is not None and donnees and any(donnees.values()):
        raise DonneeInvalide(
            (
                "Avec ",
                Option("identifiant"),
                ", le membre désigné garde ses données : retirez ",
                Option("nom"),
                ", ",
                Option("prenom"),
                ", ",
                Option("email"),
                " et les téléphones.",
            )
        )
    if (identifiant is None) == (donnees is None):
        raise DonneeInvalide(
            (
                "Indiquez soit ",
                Option("identifiant"),
                " d'un membre, soit les données d'un nouveau compte.",
            )
        )
    nouveau: Compte | None = None
    if identifiant is not None:
        nouveau = compte_par_identifiant(uow, identifiant, verrouiller=True)
        verifier(
            Action.ADMIN_DESIGNER,
            acteur.habilitation,
            organisme.id,  # type: ignore[arg-type]
            compte_cible_id=nouveau.id,
        )
        if nouveau.organisme_id != organisme.id:
            raise DonneeInvalide(
                f"Le compte {nouveau.identifiant} n'appartient pas à l'organisme {organisme.siret}."
            )
        if nouveau.statut != StatutCompte.ACTIF.value:
            raise EtatIncompatible(
                f"Le compte {nouveau.identifiant} est {nouveau.statut} : réactivez-le d'abord."
            )
        if nouveau.role == Role.ADMINISTRATEUR_PRINCIPAL.value:
            raise EtatIncompatible(
                f"{nouveau.identifiant} est déjà l'administrateur principal de cet organisme."
            )
    else:
        saisies = dict(donnees or {})
        valides = DonneesCompte.valider(
            email=saisies.pop("email", None),
            telephone_fixe=saisies.pop("telephone_fixe", None),
            telephone_mobile=saisies.pop("telephone_mobile", None),
            **saisies,
        )
    maintenant = uow.maintenant()
    ancien = uow.comptes.administrateur_principal(organisme.id, verrouiller=True)  # type: ignore[arg-type]
    if ancien is not None:
        ancien.role = Role.ADMINISTRATEUR_DELEGUE.value
        ancien.modifie_le = maintenant
        uow.flush()  # the store allows one active principal admin at a time
    temporaire = None
    if nouveau is None:
        nouveau, temporaire = creer_compte(
            uow, organisme, valides, Role.ADMINISTRATEUR_PRINCIPAL, politiques
        )
        uow.flush()
        courrier.mettre_en_file_temporaire(uow, nouveau, organisme, temporaire, url_portail)
    else:
        nouveau.role = Role.ADMINISTRATEUR_PRINCIPAL.value
        nouveau.modifie_le = maintenant
        uow.flush()
    uow.auditer(
        "administrateur_principal_designe",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        cible=nouveau.identifiant,
        details={
            "nouveau_compte": temporaire is not None,
            "ancien_administrateur": ancien.identifiant if ancien else None,
        },
    )
    uow.commit()
    from cpfadmin.services.comptes import vue_compte

    return Designation(
        identifiant=nouveau.identifiant,
        cree=temporaire is not None,
        ancien_administrateur=ancien.identifiant if ancien else None,
        vue=vue_compte(nouveau, organisme, None),
    )
