"""Accounts: creation with their temporary credentials, and what an account sees of itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cpfadmin.domain import authentifiants, validation
from cpfadmin.domain.champs import TEXTES_LIBRES
from cpfadmin.domain.errors import (
    Commande,
    DejaExistant,
    DonneeInvalide,
    EtatIncompatible,
    Introuvable,
    Option,
    SaisieRequise,
)
from cpfadmin.domain.menu import menu_pour
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Niveau, Role, StatutCompte, StatutOrganisme
from cpfadmin.domain.suggestions import vouliez_vous_dire
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.auth import lever_verrouillage
from cpfadmin.store.models import Compte, Organisme
from cpfadmin.store.uow import UniteDeTravail


def texte_de_recherche(compte: Compte | dict[str, Any]) -> str:
    """Folded "nom prénom e-mail identifiant": what ``--search`` looks in."""
    if isinstance(compte, dict):
        champs = (compte["nom"], compte["prenom"], compte["email"], compte["identifiant"])
    else:
        champs = (compte.nom, compte.prenom, compte.email, compte.identifiant)
    return validation.replier(" ".join(champs))


def exiger_compte_actif(compte: Compte) -> None:
    """Nobody acts on a suspended or removed account except to reactivate it (SPEC §2)."""
    if compte.statut != StatutCompte.ACTIF.value:
        raise EtatIncompatible(
            f"Le compte {compte.identifiant} est {compte.statut} : réactivez-le d'abord.",
            suggestion=Commande("gestionnaires reactivate", compte.identifiant),
        )


def nouveau_compte(
    *,
    identifiant: str,
    organisme_id: int,
    textes: dict[str, str | None],
    email: str,
    telephone_fixe: str | None,
    telephone_mobile: str | None,
    niveau_habilitation: str | None,
    unite_id: int | None,
    role: Role,
    temporaire: str,
    temporaire_expire_le: datetime,
    maintenant: datetime,
) -> dict[str, Any]:
    """The columns of a new account — active, its temporary password kept as a digest: the one
    builder of a single creation (an ORM object) and of an import (Core rows by the
    thousand). ``textes``: the plain-text fields (``champs.TEXTES_LIBRES``), validated."""
    champs: dict[str, Any] = {
        "identifiant": identifiant,
        "organisme_id": organisme_id,
        **{c.nom: textes.get(c.nom) for c in TEXTES_LIBRES},
        "email": email,
        "email_cle": validation.cle_email(email),
        "telephone_fixe": telephone_fixe,
        "telephone_mobile": telephone_mobile,
        "unite_id": unite_id,
        "niveau_habilitation": niveau_habilitation,
        "role": role.value,
        "statut": StatutCompte.ACTIF.value,
        "cree_le": maintenant,
        "modifie_le": maintenant,
        "temporaire_condensat": authentifiants.condenser_temporaire(temporaire),
        "temporaire_expire_le": temporaire_expire_le,
        "echecs_consecutifs": 0,
        "verrouillages": 0,
    }
    champs["recherche"] = texte_de_recherche(champs)
    return champs


@dataclass(frozen=True)
class DonneesCompte:
    """What an administrator types to create an account, validated and normalised; the plain
    texts (nom, prénom and any field of ``champs.TEXTES_LIBRES``) by their key in ``textes``."""

    textes: dict[str, str | None]
    email: str
    telephone_fixe: str | None
    telephone_mobile: str | None
    niveau: Niveau | None = None

    @property
    def nom(self) -> str:
        return self.textes["nom"] or ""

    @property
    def prenom(self) -> str:
        return self.textes["prenom"] or ""

    @classmethod
    def valider(
        cls,
        *,
        email: str | None,
        telephone_fixe: str | None,
        telephone_mobile: str | None,
        niveau: str | None = None,
        **textes: str | None,
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
                    suggestion=vouliez_vous_dire(niveau, [n.value for n in Niveau]),
                ) from None
        else:
            niveau_v = None
        inconnus = set(textes) - {c.nom for c in TEXTES_LIBRES}
        if inconnus:  # pragma: no cover - a caller's mistake, not the user's
            raise TypeError(f"champs inconnus : {sorted(inconnus)}")
        return cls(
            textes={c.nom: validation.texte_libre(c, textes.get(c.nom)) for c in TEXTES_LIBRES},
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
    temporaire = authentifiants.generer_mot_de_passe_temporaire()
    compte.temporaire_condensat = authentifiants.condenser_temporaire(temporaire)
    compte.temporaire_expire_le = uow.maintenant() + timedelta(
        days=politiques.temporary_password_days
    )
    lever_verrouillage(compte)
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
    maintenant = uow.maintenant()
    email_cle = validation.cle_email(donnees.email)
    existe = uow.comptes.par_email(organisme.id, email_cle)  # type: ignore[arg-type]
    if existe is not None:
        etat = "" if existe.statut == StatutCompte.ACTIF.value else f" ({existe.statut})"
        raise DejaExistant(
            f"Un compte existe déjà avec l'e-mail {donnees.email} dans cet organisme : "
            f"{existe.identifiant}{etat}.",
            suggestion=(Commande("gestionnaires reactivate", existe.identifiant) if etat else None),
        )
    for _ in range(20):
        (identifiant,) = uow.comptes.identifiants_libres(1)
        temporaire = authentifiants.generer_mot_de_passe_temporaire()
        compte = Compte(
            **nouveau_compte(
                identifiant=identifiant,
                organisme_id=organisme.id,  # type: ignore[arg-type]
                textes=donnees.textes,
                email=donnees.email,
                telephone_fixe=donnees.telephone_fixe,
                telephone_mobile=donnees.telephone_mobile,
                niveau_habilitation=donnees.niveau.value if donnees.niveau else None,
                unite_id=unite_id,
                role=role,
                temporaire=temporaire,
                temporaire_expire_le=maintenant
                + timedelta(days=politiques.temporary_password_days),
                maintenant=maintenant,
            )
        )
        # A concurrent writer may have taken the same identifiant meanwhile: draw again.
        if uow.comptes.ajouter_si_identifiant_libre(compte):
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
        **vue_compte(compte, organisme, unite.libelle if unite else None),
        "organisme_type": organisme.type,
        "role_libelle": role.libelle,
        "operateur": acteur.est_operateur,
        "cgu_version_acceptee": cgu.version if acceptation and cgu else None,
        "session_expire_le": acteur.session_expire_le,
        "menu": [
            {"libelle": f.libelle, "description": f.description, "lecture_seule": f.lecture_seule}
            for f in menu_pour(organisme.type, role, compte.niveau_habilitation)
        ],
    }


# --- shared look-ups and views for the habilitation console ---------------------------------
def organisme_par_siret(uow: UniteDeTravail, siret: str) -> Organisme:
    from cpfadmin.domain.errors import Introuvable

    trouve = uow.organismes.par_siret(validation.siret(siret))
    if trouve is None:
        raise Introuvable(f"Aucun organisme de SIRET {siret}.")
    return trouve


def organisme_vise(uow: UniteDeTravail, acteur: Acteur, siret: str | None) -> Organisme:
    """The organisme named by ``--organisme``, or the actor's own (an empty value is a bad
    SIRET, not "mine": a script with an unset variable must not act on the wrong organisme)."""
    if siret is not None:
        return organisme_par_siret(uow, siret)
    organisme = uow.organismes.par_id(acteur.organisme_id)
    assert organisme is not None
    return organisme


def compte_par_identifiant(
    uow: UniteDeTravail, saisie: str, *, verrouiller: bool = False
) -> Compte:
    from cpfadmin.domain.errors import Introuvable
    from cpfadmin.domain.identifiant import normaliser_identifiant

    identifiant = normaliser_identifiant(saisie)
    compte = (
        uow.comptes.par_identifiant(identifiant, verrouiller=verrouiller) if identifiant else None
    )
    if compte is None:
        raise Introuvable(f"Aucun compte d'identifiant « {saisie.strip()[:20]} ».")
    return compte


def vue_compte(compte: Compte, organisme: Organisme, unite_libelle: str | None) -> dict[str, Any]:
    """An account as the CLI shows it (snake_case French keys of SPEC §5); never a secret."""
    return {
        "identifiant": compte.identifiant,
        **{c.nom: getattr(compte, c.nom) for c in TEXTES_LIBRES},
        "email": compte.email,
        "telephone_fixe": compte.telephone_fixe,
        "telephone_mobile": compte.telephone_mobile,
        "organisme_siret": organisme.siret,
        "organisme_raison_sociale": organisme.raison_sociale,
        "unite": unite_libelle,
        "niveau_habilitation": compte.niveau_habilitation,
        "role": compte.role,
        "statut": compte.statut,
        "cree_le": compte.cree_le,
        "derniere_connexion_le": compte.derniere_connexion_le,
    }


def _email_change_de_boite(compte: Compte, email: str | None) -> bool:
    """True when ``email`` (already valid) is another mailbox than the account's: a new
    spelling of the same address (letter case) is not."""
    return email is not None and validation.cle_email(email) != compte.email_cle


def _compte_et_saisies(
    uow: UniteDeTravail,
    acteur: Acteur,
    email: str | None,
    telephone_fixe: str | None,
    telephone_mobile: str | None,
) -> tuple[Compte, str | None, str | None, str | None]:
    """The account and the values of a ``me update``, validated and normalised (the phones
    completed with the kept ones). Raises ``DonneeInvalide``."""
    compte = uow.comptes.par_id(acteur.compte_id)
    assert compte is not None
    fixe = compte.telephone_fixe if telephone_fixe is None else telephone_fixe
    mobile = compte.telephone_mobile if telephone_mobile is None else telephone_mobile
    fixe, mobile = validation.telephones(fixe, mobile)
    return compte, None if email is None else validation.email(email), fixe, mobile


def reauthentification_requise(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    email: str | None = None,
    telephone_fixe: str | None = None,
    telephone_mobile: str | None = None,
) -> bool:
    """Check a ``me update`` before its current password is asked, changing nothing: True when
    the e-mail moves to another mailbox (OWASP ASVS 3.7.1: the channel of temporary passwords
    changes only on the current password). Raises ``DonneeInvalide``."""
    compte, email, _, _ = _compte_et_saisies(uow, acteur, email, telephone_fixe, telephone_mobile)
    return _email_change_de_boite(compte, email)


def modifier_moi(
    uow: UniteDeTravail,
    acteur: Acteur,
    *,
    email: str | None = None,
    telephone_fixe: str | None = None,
    telephone_mobile: str | None = None,
    actuel: str | None = None,
) -> dict[str, Any]:
    """``me update``: own e-mail and phones (an empty string clears a phone; at least one
    phone stays). Another mailbox needs the current password, checked as ``password change``
    checks it, and a notice goes to the former address in this transaction; returns the new
    values, ``modifie`` and ``avis_envoye_a`` (that address, or None). Raises ``DonneeInvalide``,
    ``SaisieRequise`` (no current password), ``IdentifiantsInvalides``, ``CompteVerrouille``
    or ``DejaExistant`` (e-mail taken)."""
    from cpfadmin.services import courrier
    from cpfadmin.services.mots_de_passe import exiger_actuel

    compte, email, fixe, mobile = _compte_et_saisies(
        uow, acteur, email, telephone_fixe, telephone_mobile
    )
    nouvelle_boite = _email_change_de_boite(compte, email)
    if nouvelle_boite:
        if actuel is None:  # the address changed since the caller checked it
            raise SaisieRequise("Mot de passe actuel requis pour changer d'adresse e-mail.")
        # First, before anything changes: a wrong password commits its failure count.
        exiger_actuel(uow, compte, actuel)
    avant = {
        "email": compte.email,
        "telephone_fixe": compte.telephone_fixe,
        "telephone_mobile": compte.telephone_mobile,
    }
    compte.telephone_fixe, compte.telephone_mobile = fixe, mobile
    if email is not None:
        changer_email(uow, compte, email)
    apres = {
        "email": compte.email,
        "telephone_fixe": compte.telephone_fixe,
        "telephone_mobile": compte.telephone_mobile,
    }
    # Another mailbox has an event of its own; the phones, or a new spelling, this one.
    suivis = [k for k in apres if not (nouvelle_boite and k == "email")]
    changements = differences({k: avant[k] for k in suivis}, {k: apres[k] for k in suivis})
    if changements or nouvelle_boite:
        compte.modifie_le = uow.maintenant()
        compte.recherche = texte_de_recherche(compte)
    if nouvelle_boite:
        organisme = uow.organismes.par_id(compte.organisme_id)
        assert organisme is not None
        courrier.mettre_en_file_avis_email(uow, compte, organisme, avant["email"])
        uow.auditer(
            "email_modifie",
            acteur=acteur.identifiant,
            organisme=acteur.organisme_siret,
            cible=compte.identifiant,
            details={
                "avant": {"email": avant["email"]},
                "apres": {"email": compte.email},
                "reauthentifie": True,
                "avis_envoye_a": avant["email"],
            },
        )
    if changements:
        uow.auditer(
            "donnees_personnelles_modifiees",
            acteur=acteur.identifiant,
            organisme=acteur.organisme_siret,
            cible=compte.identifiant,
            details=changements,
        )
    uow.commit()
    return {
        **apres,
        "modifie": bool(changements) or nouvelle_boite,
        "avis_envoye_a": avant["email"] if nouvelle_boite else None,
    }


def changer_email(uow: UniteDeTravail, compte: Compte, email: str) -> None:
    """Give the account a new e-mail. Raises ``DonneeInvalide``, or ``DejaExistant`` when
    another account of the organisme has that mailbox."""
    nouveau = validation.email(email)
    cle = validation.cle_email(nouveau)
    if cle != compte.email_cle and uow.comptes.par_email(compte.organisme_id, cle) is not None:
        raise DejaExistant(f"Un compte existe déjà avec l'e-mail {nouveau} dans cet organisme.")
    compte.email, compte.email_cle = nouveau, cle


def differences(avant: dict[str, Any], apres: dict[str, Any]) -> dict[str, Any]:
    """The changed fields, as the audit keeps them: ``{"avant": {...}, "apres": {...}}``."""
    cles = [k for k in apres if avant.get(k) != apres.get(k)]
    if not cles:
        return {}
    return {"avant": {k: avant.get(k) for k in cles}, "apres": {k: apres.get(k) for k in cles}}


def exiger_organisme_actif(organisme: Organisme) -> None:
    """Accounts are created or changed only in an active organisme."""
    if organisme.statut != StatutOrganisme.ACTIF.value:
        raise EtatIncompatible(
            f"L'organisme {organisme.siret} est suspendu : réactivez-le d'abord.",
            suggestion=Commande("organismes update", organisme.siret, Option("statut", "actif")),
        )


def choix(enum, valeur: str, champ: str):  # type: ignore[no-untyped-def]
    """The member of ``enum`` a user typed (case and spaces aside), or a French error."""
    try:
        return enum(valeur.strip().lower())
    except ValueError:
        permis = ", ".join(e.value for e in enum)
        raise DonneeInvalide(
            f"{champ} invalide : « {valeur} » ({permis}).",
            champ=champ,
            suggestion=vouliez_vous_dire(valeur, [e.value for e in enum]),
        ) from None
