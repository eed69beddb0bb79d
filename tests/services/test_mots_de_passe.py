"""Passwords through the services: the seed's renewal hierarchy, renewal effects, one's own
change, lockout and the absence of enumeration."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlmodel import col, select

from cpfadmin.cli.redaction import suggestion
from cpfadmin.domain.errors import (
    AccesRefuse,
    CompteVerrouille,
    EtatIncompatible,
    IdentifiantsInvalides,
    MotDePasseNonConforme,
    SessionExpiree,
)
from cpfadmin.domain.politique import Politiques
from cpfadmin.domain.roles import Role
from cpfadmin.services import auth, mots_de_passe
from cpfadmin.store.models import EvenementAudit, Message
from tests.services.helpers import NOUVEAU_GESTIONNAIRE
from tests.services.monde import ACTEURS, URL_PORTAIL, Monde, _se_connecter

AP, AD, G = Role.ADMINISTRATEUR_PRINCIPAL, Role.ADMINISTRATEUR_DELEGUE, Role.GESTIONNAIRE

# Who may renew whose password (SPEC §2, from the seed), written by hand. Targets: the
# principal admin, a delegated admin and a gestionnaire of employer O and of cdc. Columns
# follow ACTEURS: OP-AP, OP-AD, G-cdc, AP-O, AD-O, G-O, AP-O2, AD-O2, G-O2.
RENOUVELLEMENT = {
    # "Seule la Caisse des Dépôts peut renouveler le mot de passe de l'administrateur principal"
    ("O", "AP"): "XX.......",
    # "Seul l'administrateur principal peut renouveler le mot de passe d'un administrateur délégué"
    ("O", "AD"): "...X.....",
    # principal and delegated admins renew gestionnaires'
    ("O", "G"): "...XX....",
    # the AP of cdc is OP-AP itself (nobody renews their own); OP-AD is an operator
    ("cdc", "AP"): ".X.......",
    ("cdc", "AD"): "X........",
    ("cdc", "G"): "XX.......",
}


def _cible(monde: Monde, organisme: str, role: str) -> str:
    if role == "AP":
        return monde.acteurs["OP-AP" if organisme == "cdc" else "AP-O"].identifiant
    return monde.nouveau_compte(organisme, {"AD": AD, "G": G}[role])


@pytest.mark.parametrize(
    "organisme, role, acteur, attendu",
    [
        pytest.param(
            o, r, a, ligne[i] == "X", id=f"{r}@{o}-par-{a}-{'oui' if ligne[i] == 'X' else 'non'}"
        )
        for (o, r), ligne in RENOUVELLEMENT.items()
        for i, a in enumerate(ACTEURS)
    ],
)
def test_renewal_follows_the_seed_hierarchy(monde: Monde, organisme, role, acteur, attendu):
    identifiant = _cible(monde, organisme, role)
    evenements = monde.evenements()
    appel = lambda u: mots_de_passe.renouveler(  # noqa: E731
        u, monde.acteurs[acteur], identifiant, monde.politiques, URL_PORTAIL
    )
    if attendu:
        vue = monde.executer(appel)
        assert vue["identifiant"] == identifiant
        assert monde.evenements() == evenements + 1
        assert monde.compte(identifiant).mot_de_passe_hache is None
    else:
        with pytest.raises(AccesRefuse):
            monde.executer(appel)
        assert monde.evenements() == evenements


def test_nobody_renews_their_own_password_and_is_pointed_to_password_change(monde: Monde):
    for nom in ("OP-AP", "AP-O", "AD-O"):
        acteur = monde.acteurs[nom]
        with pytest.raises(AccesRefuse) as e:
            monde.executer(
                lambda u, a=acteur: mots_de_passe.renouveler(
                    u, a, a.identifiant, monde.politiques, URL_PORTAIL
                )
            )
        assert suggestion(e.value) == "cpfadmin password change"


def test_a_suspended_account_is_reactivated_before_its_password_is_renewed(monde: Monde):
    identifiant = monde.compte_suspendu("O", G)
    with pytest.raises(EtatIncompatible):
        monde.executer(
            lambda u: mots_de_passe.renouveler(
                u, monde.acteurs["AP-O"], identifiant, monde.politiques, URL_PORTAIL
            )
        )


def _secret(monde: Monde, identifiant: str) -> str:
    with monde.uow(lecture=True) as u:
        compte = u.comptes.par_identifiant(identifiant)
        return u.session.exec(
            select(Message.secret).where(
                Message.compte_id == compte.id,
                Message.statut == "en_attente",
                col(Message.secret).is_not(None),
            )
        ).one()


def test_renewal_ends_sessions_lifts_the_lock_and_the_emailed_password_forces_a_change(
    monde: Monde,
):
    p = monde.politiques
    identifiant = monde.nouveau_compte("O", G)
    gestionnaire = _se_connecter(
        monde, identifiant, _secret(monde, identifiant), NOUVEAU_GESTIONNAIRE
    )
    for _ in range(5):
        with monde.uow() as u, pytest.raises(IdentifiantsInvalides):
            auth.commencer_connexion(u, identifiant, "mauvais", p)
    assert monde.compte(identifiant).verrouille_jusqua is not None

    vue = monde.executer(
        lambda u: mots_de_passe.renouveler(u, monde.acteurs["AD-O"], identifiant, p, URL_PORTAIL)
    )
    assert vue["deverrouille"] is True and vue["sessions_terminees"] == 1
    compte = monde.compte(identifiant)
    assert compte.verrouille_jusqua is None and compte.echecs_consecutifs == 0
    # The old session and the old password are gone.
    with monde.uow() as u, pytest.raises(SessionExpiree):
        _verifier_revoquee(u, gestionnaire)
    with monde.uow() as u, pytest.raises(IdentifiantsInvalides):
        auth.commencer_connexion(u, identifiant, NOUVEAU_GESTIONNAIRE, p)
    # The e-mailed temporary password leads to the forced change; the previous password is
    # in the history and cannot be chosen again.
    temporaire = _secret(monde, identifiant)
    with monde.uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, p)
    assert defi.changement_requis == "temporaire"
    with monde.uow() as u, pytest.raises(MotDePasseNonConforme) as e:
        auth.terminer_connexion(u, defi.jeton_etape, p, nouveau_mot_de_passe=NOUVEAU_GESTIONNAIRE)
    assert e.value.regle == "historique"
    with monde.uow() as u:
        session = auth.terminer_connexion(
            u, defi.jeton_etape, p, nouveau_mot_de_passe="Renouvele-Gest-42!"
        )
    assert session.mot_de_passe_change


def _verifier_revoquee(u, acteur) -> None:
    """Raise ``SessionExpiree`` when the actor's session was revoked."""
    from cpfadmin.store.models import SessionCompte

    session = u.session.get(SessionCompte, acteur.session_id)
    if session.revoquee_le is not None:
        raise SessionExpiree()


def test_renewal_email_is_a_renewal_message_without_the_identifiant(monde: Monde):
    identifiant = monde.nouveau_compte("O", G)
    monde.executer(
        lambda u: mots_de_passe.renouveler(
            u, monde.acteurs["AP-O"], identifiant, monde.politiques, URL_PORTAIL
        )
    )
    with monde.uow(lecture=True) as u:
        compte = u.comptes.par_identifiant(identifiant)
        messages = list(u.session.exec(select(Message).where(Message.compte_id == compte.id)))
    statuts = [m.statut for m in messages]
    assert statuts == ["remplace", "en_attente"]  # the creation e-mail is superseded
    assert "Renouvellement" in messages[-1].sujet
    assert identifiant not in messages[-1].corps
    assert messages[0].secret is None


def test_renewal_is_audited_without_any_secret(monde: Monde):
    identifiant = monde.nouveau_compte("O", G)
    monde.executer(
        lambda u: mots_de_passe.renouveler(
            u, monde.acteurs["AP-O"], identifiant, monde.politiques, URL_PORTAIL
        )
    )
    temporaire = _secret(monde, identifiant)
    with monde.uow(lecture=True) as u:
        evenement = u.session.exec(
            select(EvenementAudit)
            .where(EvenementAudit.cible == identifiant)
            .order_by(
                EvenementAudit.seq.desc()  # type: ignore[attr-defined]
            )
        ).first()
    assert evenement.action == "mot_de_passe_renouvele"
    assert evenement.acteur == monde.acteurs["AP-O"].identifiant
    assert temporaire not in str(evenement.details)


# --- one's own change ---------------------------------------------------------------------------
def _gestionnaire_connecte(monde: Monde):
    identifiant = monde.nouveau_compte("O2", G)
    return _se_connecter(monde, identifiant, _secret(monde, identifiant), NOUVEAU_GESTIONNAIRE)


def test_change_requires_the_current_password_and_counts_a_wrong_one(monde: Monde):
    acteur = _gestionnaire_connecte(monde)
    for _ in range(4):
        with monde.uow() as u, pytest.raises(IdentifiantsInvalides, match="actuel"):
            mots_de_passe.changer(u, acteur, "faux", "Nouveau-Gest-2027!", monde.politiques)
    assert monde.compte(acteur.identifiant).echecs_consecutifs == 4
    with monde.uow() as u, pytest.raises(CompteVerrouille, match="sessions sont terminées"):
        mots_de_passe.changer(u, acteur, "faux", "Nouveau-Gest-2027!", monde.politiques)
    assert monde.compte(acteur.identifiant).verrouille_jusqua is not None
    # locked: the right current password is refused too (no guessing oracle)
    with monde.uow() as u, pytest.raises(CompteVerrouille):
        mots_de_passe.changer(
            u, acteur, NOUVEAU_GESTIONNAIRE, "Nouveau-Gest-2027!", monde.politiques
        )


def test_change_names_the_failed_rule_and_changes_nothing(monde: Monde):
    acteur = _gestionnaire_connecte(monde)
    avant = monde.compte(acteur.identifiant).mot_de_passe_hache
    for nouveau, regle in (
        ("court", "longueur_min"),
        ("sans-majuscule-42!", "classes"),
        (NOUVEAU_GESTIONNAIRE, "historique"),
        ("Azertyuiop-1234!", "courant"),
    ):
        with monde.uow() as u, pytest.raises(MotDePasseNonConforme) as e:
            mots_de_passe.changer(u, acteur, NOUVEAU_GESTIONNAIRE, nouveau, monde.politiques)
        assert e.value.regle in {regle, "motif_clavier"}
    assert monde.compte(acteur.identifiant).mot_de_passe_hache == avant


def test_change_ends_the_other_sessions_and_keeps_this_one(monde: Monde):
    acteur = _gestionnaire_connecte(monde)
    p = monde.politiques
    with monde.uow() as u:
        defi = auth.commencer_connexion(u, acteur.identifiant, NOUVEAU_GESTIONNAIRE, p)
    with monde.uow() as u:
        autre = auth.terminer_connexion(u, defi.jeton_etape, p)
    with monde.uow() as u:
        assert mots_de_passe.changer(u, acteur, NOUVEAU_GESTIONNAIRE, "Nouveau-Gest-2027!", p) == 1
    with monde.uow() as u, pytest.raises(SessionExpiree):
        auth.authentifier(u, autre.jeton, p)
    with monde.uow() as u:
        _verifier_revoquee(u, acteur)  # this session is still open


def test_policy_describes_the_callers_rules(monde: Monde):
    with monde.uow(lecture=True) as u:
        admin = mots_de_passe.politique(u, monde.acteurs["AP-O"], monde.politiques)
        gestionnaire = mots_de_passe.politique(u, monde.acteurs["G-O"], monde.politiques)
    assert (admin["longueur_min"], admin["expiration_jours"]) == (16, 365)
    assert (gestionnaire["longueur_min"], gestionnaire["expiration_jours"]) == (12, None)
    assert admin["historique"] == 5 and admin["echecs_avant_verrouillage"] == 5
    assert any("24 heures" in r for r in admin["regles"])


# --- no enumeration by timing -------------------------------------------------------------------
def test_unknown_identifiant_and_wrong_password_take_comparable_time(monde: Monde):
    """Verified against a dummy hash: both answers cost one bcrypt verification."""
    p = Politiques(bcrypt_cost=10)
    identifiant = monde.nouveau_compte("O2", G)
    _se_connecter(monde, identifiant, _secret(monde, identifiant), NOUVEAU_GESTIONNAIRE)
    # Re-hash at cost 10 so both paths run the same bcrypt cost.
    with monde.uow() as u:
        defi = auth.commencer_connexion(u, identifiant, NOUVEAU_GESTIONNAIRE, p)
    with monde.uow() as u:
        auth.terminer_connexion(u, defi.jeton_etape, p)

    def duree(saisie: str) -> float:
        debut = time.perf_counter()
        with monde.uow() as u, pytest.raises(IdentifiantsInvalides):
            auth.commencer_connexion(u, saisie, "Pas-Le-Bon-Mot-De-Passe-1", p)
        return time.perf_counter() - debut

    inconnu, mauvais = [], []
    for i in range(7):
        inconnu.append(duree("ZZZZZZZZ"))
        mauvais.append(duree(identifiant))
        if i == 2:  # stay clear of the lockout (5 failures)
            with monde.uow() as u:
                u.comptes.par_identifiant(identifiant).echecs_consecutifs = 0
                u.commit()
    ratio = statistics.median(inconnu) / statistics.median(mauvais)
    assert 0.5 < ratio < 2.0, ratio
