"""Passwords (SPEC §3, the seed's "Renouvellement de mot de passe"): one's own change, renewal
by the right person, and the policy that applies."""

from __future__ import annotations

from typing import Any

from cpfadmin.domain import authentifiants, politique_mot_de_passe
from cpfadmin.domain.errors import CompteVerrouille, IdentifiantsInvalides
from cpfadmin.domain.permissions import Action, verifier
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role
from cpfadmin.services import auth, courrier
from cpfadmin.services.acteur import Acteur
from cpfadmin.services.comptes import (
    attribuer_mot_de_passe_temporaire,
    compte_par_identifiant,
    exiger_compte_actif,
)
from cpfadmin.store.models import Compte
from cpfadmin.store.uow import UniteDeTravail


def exiger_actuel(uow: UniteDeTravail, compte: Compte, actuel: str) -> None:
    """Re-authentication before a sensitive change (``password change``, ``me update --email``):
    the current password, checked as a login is. A wrong one counts toward the lockout (the
    failure is committed), and while the account is locked even the right one is refused — a
    stolen session is no guessing oracle. At the lock, every session of the account ends, this
    one included. A right one resets the failure count, saved with the caller's change."""
    if auth.est_verrouille(compte, uow.maintenant()):
        _fin_des_sessions(uow, compte)
        raise CompteVerrouille(
            "Compte temporairement verrouillé après des échecs répétés : toutes ses sessions "
            "sont terminées ; reconnectez-vous après le déverrouillage."
        )
    if not compte.mot_de_passe_hache or not authentifiants.verifier_mot_de_passe(
        actuel, compte.mot_de_passe_hache
    ):
        auth.compter_echec(uow, compte, "mot_de_passe_actuel_incorrect")
        if auth.est_verrouille(compte, uow.maintenant()):
            _fin_des_sessions(uow, compte)
            raise CompteVerrouille(
                "Mot de passe actuel incorrect : le compte est maintenant verrouillé après des "
                "échecs répétés, et toutes ses sessions sont terminées."
            )
        raise IdentifiantsInvalides("Mot de passe actuel incorrect.")
    compte.echecs_consecutifs = 0


def _fin_des_sessions(uow: UniteDeTravail, compte: Compte) -> None:
    uow.sessions_compte.revoquer_toutes(compte.id, uow.maintenant())  # type: ignore[arg-type]
    uow.commit()


def _compte(uow: UniteDeTravail, acteur: Acteur) -> Compte:
    compte = uow.comptes.par_id(acteur.compte_id)
    assert compte is not None
    return compte


def verifier_actuel(uow: UniteDeTravail, acteur: Acteur, actuel: str) -> None:
    """Check one's current password before a new one is asked for; changes nothing when it is
    right. A wrong one counts as a login failure (and is committed), as in ``changer``."""
    exiger_actuel(uow, _compte(uow, acteur), actuel)


def verifier_conformite(
    uow: UniteDeTravail, acteur: Acteur, nouveau: str, politiques: Politiques
) -> None:
    """Raise ``MotDePasseNonConforme`` when ``nouveau`` breaks the caller's policy (history
    included); changes nothing."""
    auth.verifier_nouveau_mot_de_passe(uow, _compte(uow, acteur), nouveau, politiques)


def changer(
    uow: UniteDeTravail, acteur: Acteur, actuel: str, nouveau: str, politiques: Politiques
) -> int:
    """Change one's own password: the current one is required (a wrong one counts as a login
    failure, so a left-open session cannot be used to guess it), the new one must meet the
    policy. Every other session of the account ends; returns how many."""
    compte = _compte(uow, acteur)
    exiger_actuel(uow, compte, actuel)
    auth.verifier_nouveau_mot_de_passe(uow, compte, nouveau, politiques)
    auth.definir_mot_de_passe(uow, compte, nouveau, politiques)
    revoquees = uow.sessions_compte.revoquer_toutes(
        compte.id,  # type: ignore[arg-type]
        uow.maintenant(),
        sauf=acteur.session_id,
    )
    uow.auditer(
        "mot_de_passe_change",
        acteur=acteur.identifiant,
        organisme=acteur.organisme_siret,
        cible=acteur.identifiant,
        details={"contexte": "changement", "autres_sessions_terminees": revoquees},
    )
    uow.commit()
    return revoquees


def renouveler(
    uow: UniteDeTravail,
    acteur: Acteur,
    identifiant: str,
    politiques: Politiques,
    url_portail: str,
) -> dict[str, Any]:
    """Renew another account's password, exactly as the seed says: only the CDC (an operator)
    renews a principal admin's; only the principal admin renews a delegated admin's; principal
    and delegated admins renew gestionnaires'. Nobody renews their own (``password change``).
    The new temporary password goes to the account's e-mail only; the old password stops
    working, every session ends, the lock is lifted."""
    compte = compte_par_identifiant(uow, identifiant, verrouiller=True)
    verifier(
        Action.MOT_DE_PASSE_RENOUVELER,
        acteur.habilitation,
        compte.organisme_id,
        role_cible=Role(compte.role),
        compte_cible_id=compte.id,
    )
    exiger_compte_actif(compte)
    organisme = uow.organismes.par_id(compte.organisme_id)
    assert organisme is not None
    etait_verrouille = auth.est_verrouille(compte, uow.maintenant())
    temporaire = attribuer_mot_de_passe_temporaire(uow, compte, politiques)
    # The forced change must follow: the old password no longer opens the account (it stays
    # in the history, so it cannot be chosen again).
    compte.mot_de_passe_hache = None
    compte.modifie_le = uow.maintenant()
    sessions = uow.sessions_compte.revoquer_toutes(compte.id, uow.maintenant())  # type: ignore[arg-type]
    uow.flush()
    courrier.mettre_en_file_temporaire(
        uow, compte, organisme, temporaire, url_portail, renouvellement=True
    )
    uow.auditer(
        "mot_de_passe_renouvele",
        acteur=acteur.identifiant,
        organisme=organisme.siret,
        cible=compte.identifiant,
        details={
            "role_cible": compte.role,
            "sessions_terminees": sessions,
            "deverrouille": etait_verrouille,
        },
    )
    uow.commit()
    return {
        "identifiant": compte.identifiant,
        "email": compte.email,
        "temporaire_expire_le": compte.temporaire_expire_le,
        "sessions_terminees": sessions,
        "deverrouille": etait_verrouille,
    }


def _duree(minutes: int) -> str:
    if minutes % 1440 == 0:
        return f"{minutes // 1440} jour(s)"
    if minutes % 60 == 0:
        return f"{minutes // 60} heures"
    return f"{minutes} minutes"


def politique(uow: UniteDeTravail, acteur: Acteur, politiques: Politiques) -> dict[str, Any]:
    """The policy that applies to the caller, in French."""
    p = politique_mot_de_passe.politique_pour(
        acteur.role, expiration_admin_jours=politiques.admin_password_days
    )
    return {
        "role": acteur.role.value,
        "longueur_min": p.longueur_min,
        "longueur_max": p.longueur_max,
        "longueur_sans_classes": p.longueur_sans_classes,
        "historique": p.historique,
        "expiration_jours": p.expiration_jours,
        "echecs_avant_verrouillage": politiques.lockout_threshold,
        "verrouillage_initial_minutes": politiques.lockout_minutes,
        "verrouillage_max_heures": politiques.lockout_max_hours,
        "remise_a_zero_minutes": politiques.failure_reset_minutes,
        "temporaire_validite_jours": politiques.temporary_password_days,
        "regles": [
            *p.description,
            f"Après {politiques.lockout_threshold} échecs consécutifs, le compte est verrouillé "
            f"{politiques.lockout_minutes} minutes, puis deux fois plus à chaque nouveau "
            f"verrouillage, jusqu'à {politiques.lockout_max_hours} heures ; après "
            f"{_duree(politiques.failure_reset_minutes)} sans échec, le compte repart de zéro.",
            f"Un mot de passe temporaire est valable {politiques.temporary_password_days} jours "
            "et ne sert qu'une fois.",
        ],
    }
