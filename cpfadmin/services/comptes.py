"""Accounts: creation with their temporary credentials, and what an account sees of itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from cpfadmin.config import Politiques
from cpfadmin.domain import credentials, validation
from cpfadmin.domain.errors import DejaExistant, Introuvable
from cpfadmin.domain.identifiant import generer_identifiant
from cpfadmin.domain.menu import menu_pour
from cpfadmin.domain.roles import Niveau, Role, StatutCompte
from cpfadmin.services.acteur import Acteur
from cpfadmin.store.models import Compte, Organisme
from cpfadmin.store.uow import UniteDeTravail


def _replie(texte: str) -> str:
    import unicodedata

    decompose = unicodedata.normalize("NFKD", texte.casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def texte_de_recherche(compte: Compte) -> str:
    return _replie(" ".join((compte.nom, compte.prenom, compte.email, compte.identifiant)))


@dataclass(frozen=True)
class DonneesCompte:
    """What an administrator types to create an account, validated and normalised."""

    nom: str
    prenom: str
    email: str
    telephone_fixe: str | None
    telephone_mobile: str | None
    niveau: Niveau | None = None

    @classmethod
    def valider(
        cls,
        *,
        nom: str | None,
        prenom: str | None,
        email: str | None,
        telephone_fixe: str | None,
        telephone_mobile: str | None,
        niveau: str | None = None,
    ) -> DonneesCompte:
        from cpfadmin.domain.errors import DonneeInvalide

        fixe, mobile = validation.telephones(telephone_fixe, telephone_mobile)
        if niveau:
            try:
                niveau_v = Niveau(niveau.strip().lower())
            except ValueError:
                raise DonneeInvalide(
                    f"Niveau d'habilitation invalide : « {niveau} » (consultation ou gestion).",
                    champ="niveau_habilitation",
                ) from None
        else:
            niveau_v = None
        return cls(
            nom=validation.texte(nom, "nom"),
            prenom=validation.texte(prenom, "prenom"),
            email=validation.email(email),
            telephone_fixe=fixe,
            telephone_mobile=mobile,
            niveau=niveau_v,
        )


def attribuer_mot_de_passe_temporaire(
    uow: UniteDeTravail, compte: Compte, politiques: Politiques
) -> str:
    """Give the account a new temporary password (returned, never stored in clear), valid
    ``temporary_password_days``; it unlocks the account."""
    temporaire = credentials.generer_mot_de_passe_temporaire()
    compte.temporaire_condensat = credentials.condenser_temporaire(temporaire)
    compte.temporaire_expire_le = uow.maintenant() + timedelta(
        days=politiques.temporary_password_days
    )
    compte.echecs_consecutifs = 0
    compte.verrouille_jusqua = None
    return temporaire


def creer_compte(
    uow: UniteDeTravail,
    organisme: Organisme,
    donnees: DonneesCompte,
    role: Role,
    politiques: Politiques,
    *,
    unite_id: int | None = None,
) -> tuple[Compte, str]:
    """Create an account with a fresh random identifiant and a temporary password.
    Raises ``DejaExistant`` when the e-mail is already used in the organisme."""
    from sqlmodel import select

    maintenant = uow.maintenant()
    email_cle = validation.cle_email(donnees.email)
    existe = uow.session.exec(
        select(Compte.id).where(Compte.organisme_id == organisme.id, Compte.email_cle == email_cle)
    ).first()
    if existe is not None:
        raise DejaExistant(
            f"Un compte existe déjà avec l'e-mail {donnees.email} dans cet organisme."
        )
    for _ in range(20):
        identifiant = generer_identifiant()
        if uow.comptes.identifiant_existe(identifiant):
            continue
        compte = Compte(
            identifiant=identifiant,
            organisme_id=organisme.id,  # type: ignore[arg-type]
            nom=donnees.nom,
            prenom=donnees.prenom,
            email=donnees.email,
            email_cle=email_cle,
            telephone_fixe=donnees.telephone_fixe,
            telephone_mobile=donnees.telephone_mobile,
            niveau_habilitation=donnees.niveau.value if donnees.niveau else None,
            unite_id=unite_id,
            role=role.value,
            statut=StatutCompte.ACTIF.value,
            cree_le=maintenant,
            modifie_le=maintenant,
        )
        compte.recherche = texte_de_recherche(compte)
        temporaire = attribuer_mot_de_passe_temporaire(uow, compte, politiques)
        try:
            # A savepoint: a concurrent writer may have taken the same identifiant meanwhile.
            with uow.session.begin_nested():
                uow.session.add(compte)
        except IntegrityError:
            if uow.comptes.identifiant_existe(identifiant):
                continue
            raise
        return compte, temporaire
    raise RuntimeError("impossible de générer un identifiant libre")  # pragma: no cover


def profil(uow: UniteDeTravail, acteur: Acteur) -> dict[str, Any]:
    """What ``cpfadmin me`` shows: the account, its organisme, its rôle and its menu."""
    compte = uow.comptes.par_id(acteur.compte_id)
    if compte is None:  # pragma: no cover - the session points at an existing account
        raise Introuvable("Compte introuvable.")
    organisme = uow.organismes.par_id(compte.organisme_id)
    assert organisme is not None
    unite = uow.unites.par_id(compte.unite_id) if compte.unite_id else None
    cgu = uow.cgu.courante()
    acceptation = uow.cgu.acceptation(compte.id, cgu.id) if cgu else None  # type: ignore[arg-type]
    role = Role(compte.role)
    return {
        "identifiant": compte.identifiant,
        "nom": compte.nom,
        "prenom": compte.prenom,
        "email": compte.email,
        "telephone_fixe": compte.telephone_fixe,
        "telephone_mobile": compte.telephone_mobile,
        "organisme_siret": organisme.siret,
        "organisme_raison_sociale": organisme.raison_sociale,
        "organisme_type": organisme.type,
        "role": role.value,
        "role_libelle": role.libelle,
        "operateur": acteur.est_operateur,
        "unite": unite.libelle if unite else None,
        "niveau_habilitation": compte.niveau_habilitation,
        "statut": compte.statut,
        "derniere_connexion_le": compte.derniere_connexion_le,
        "cgu_version_acceptee": cgu.version if acceptation and cgu else None,
        "session_expire_le": acteur.session_expire_le,
        "menu": [
            {"libelle": f.libelle, "description": f.description, "lecture_seule": f.lecture_seule}
            for f in menu_pour(organisme.type, role, compte.niveau_habilitation)
        ],
    }
