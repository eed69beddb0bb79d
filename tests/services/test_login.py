"""First login, required steps, failures and lockout, through the services."""

import json

import pytest
from sqlmodel import select

from cpfadmin.domain.errors import (
    CguNonAcceptees,
    ErreurAuthentification,
    IdentifiantsInvalides,
    MotDePasseNonConforme,
    MotDePasseTemporaireExpire,
    SaisieRequise,
)
from cpfadmin.domain.roles import Role
from cpfadmin.services import auth
from cpfadmin.store.models import (
    AcceptationCgu,
    Cgu,
    Compte,
    EtapeConnexion,
    EvenementAudit,
    SessionCompte,
)
from tests.services.helpers import (
    NOUVEAU_ADMIN,
    NOUVEAU_GESTIONNAIRE,
    connexion,
    creer_organisme_et_compte,
    initialiser_base,
    premiere_connexion,
)


@pytest.fixture
def operateur(uow, politiques):
    r = initialiser_base(uow, politiques)
    return r.identifiant, r.mot_de_passe_temporaire


def test_temporary_password_leads_only_to_choosing_a_new_password(uow, politiques, operateur):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    assert defi.changement_requis == "temporaire"
    assert defi.cgu is not None and defi.cgu.version == "1.0"
    with uow() as u, pytest.raises(SaisieRequise):
        auth.terminer_connexion(u, defi.jeton_etape, politiques, cgu_acceptee=_version(defi))
    with uow() as u:
        assert u.session.exec(select(SessionCompte)).all() == []


def test_identifiant_is_case_insensitive_at_login(uow, politiques, operateur):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, f"  {identifiant.lower()} ", temporaire, politiques)
    assert defi.identifiant == identifiant


def test_first_login_sets_the_password_accepts_the_cgu_and_opens_a_session(
    uow, politiques, operateur
):
    identifiant, temporaire = operateur
    session = premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    assert session.mot_de_passe_change and session.cgu_acceptee == "1.0"
    with uow() as u:
        compte = u.comptes.par_identifiant(identifiant)
        assert compte.temporaire_condensat is None
        assert compte.mot_de_passe_hache.startswith("bcrypt-sha256$")
        assert u.session.exec(select(AcceptationCgu)).one().compte_id == compte.id
        stockee = u.session.exec(select(SessionCompte)).one()
    # Only the digest of the token is stored.
    assert stockee.jeton_condensat != session.jeton
    assert session.jeton not in stockee.jeton_condensat


def test_weak_new_password_names_the_rule_and_leaves_the_temporary_password_usable(
    uow, politiques, operateur
):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u, pytest.raises(MotDePasseNonConforme) as e:
        auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe="court",
            cgu_acceptee=_version(defi),
        )
    assert e.value.regle == "longueur_min"
    assert "16 caractères" in e.value.message
    session = premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    assert session.jeton


def test_temporary_password_works_only_once(uow, politiques, operateur):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    with uow() as u, pytest.raises(IdentifiantsInvalides):
        auth.commencer_connexion(u, identifiant, temporaire, politiques)


def test_temporary_password_expires_after_seven_days(uow, politiques, operateur, horloge):
    identifiant, temporaire = operateur
    horloge.avancer(days=7, seconds=1)
    with uow() as u, pytest.raises(MotDePasseTemporaireExpire):
        auth.commencer_connexion(u, identifiant, temporaire, politiques)


def test_refusing_the_cgu_opens_no_session_but_keeps_the_new_password(uow, politiques, operateur):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u, pytest.raises(CguNonAcceptees):
        auth.terminer_connexion(u, defi.jeton_etape, politiques, nouveau_mot_de_passe=NOUVEAU_ADMIN)
    with uow() as u:
        assert u.session.exec(select(SessionCompte)).all() == []
    # The new password is the one now, and the CGU are asked again.
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, NOUVEAU_ADMIN, politiques)
    assert defi.changement_requis is None and defi.cgu is not None


def test_a_new_cgu_version_is_asked_at_the_next_login(uow, politiques, operateur, horloge):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    horloge.avancer(minutes=1)
    with uow() as u:
        u.session.add(Cgu(version="2.0", texte="Nouvelles conditions", publiee_le=horloge()))
        u.commit()
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, NOUVEAU_ADMIN, politiques)
    assert defi.cgu is not None and defi.cgu.version == "2.0"
    with uow() as u:
        assert (
            auth.terminer_connexion(
                u, defi.jeton_etape, politiques, cgu_acceptee=_version(defi)
            ).cgu_acceptee
            == "2.0"
        )


def test_unknown_identifiant_and_wrong_password_give_the_same_error(uow, politiques, operateur):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    with uow() as u, pytest.raises(IdentifiantsInvalides) as inconnu:
        auth.commencer_connexion(u, "ZZZZZZZZ", NOUVEAU_ADMIN, politiques)
    with uow() as u, pytest.raises(IdentifiantsInvalides) as mauvais:
        auth.commencer_connexion(u, identifiant, "pas-le-bon-mot-de-passe", politiques)
    assert type(inconnu.value) is type(mauvais.value)
    assert inconnu.value.message == mauvais.value.message


def test_five_failures_lock_the_account_for_fifteen_minutes_then_thirty(
    uow, politiques, operateur, horloge
):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)

    def echouer(n):
        for _ in range(n):
            with uow() as u, pytest.raises(IdentifiantsInvalides):
                auth.commencer_connexion(u, identifiant, "mauvais", politiques)

    echouer(5)
    # Locked: even the right password is refused, with the same message.
    with uow() as u, pytest.raises(IdentifiantsInvalides):
        auth.commencer_connexion(u, identifiant, NOUVEAU_ADMIN, politiques)
    horloge.avancer(minutes=15, seconds=1)
    connexion(uow, politiques, identifiant, NOUVEAU_ADMIN)
    echouer(5)
    horloge.avancer(minutes=16)
    with uow() as u, pytest.raises(IdentifiantsInvalides):
        auth.commencer_connexion(u, identifiant, NOUVEAU_ADMIN, politiques)
    horloge.avancer(minutes=15)
    connexion(uow, politiques, identifiant, NOUVEAU_ADMIN)
    with uow() as u:
        actions = [e.action for e in u.session.exec(select(EvenementAudit))]
    assert actions.count("compte_verrouille") == 2


def test_a_success_resets_the_failure_counter(uow, politiques, operateur):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    for _ in range(4):
        with uow() as u, pytest.raises(IdentifiantsInvalides):
            auth.commencer_connexion(u, identifiant, "mauvais", politiques)
    connexion(uow, politiques, identifiant, NOUVEAU_ADMIN)
    with uow() as u:
        assert u.comptes.par_identifiant(identifiant).echecs_consecutifs == 0


def test_lock_duration_doubles_up_to_twenty_four_hours():
    assert [auth.duree_verrouillage(n).total_seconds() / 60 for n in range(1, 9)] == [
        15,
        30,
        60,
        120,
        240,
        480,
        960,
        1440,
    ]


def test_administrator_password_expires_after_365_days(uow, politiques, operateur, horloge):
    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    horloge.avancer(days=365)
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, NOUVEAU_ADMIN, politiques)
    assert defi.changement_requis == "expire"
    # The expired password cannot simply be chosen again (history).
    with uow() as u, pytest.raises(MotDePasseNonConforme) as e:
        auth.terminer_connexion(u, defi.jeton_etape, politiques, nouveau_mot_de_passe=NOUVEAU_ADMIN)
    assert e.value.regle == "historique"
    with uow() as u:
        session = auth.terminer_connexion(
            u, defi.jeton_etape, politiques, nouveau_mot_de_passe="Une-Autre-Phrase-Solide-2027?"
        )
    assert session.mot_de_passe_change


def test_gestionnaire_password_does_not_expire(uow, politiques, operateur, horloge):
    identifiant, temporaire = creer_organisme_et_compte(uow, politiques, Role.GESTIONNAIRE)
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_GESTIONNAIRE)
    horloge.avancer(days=800)
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, NOUVEAU_GESTIONNAIRE, politiques)
    assert defi.changement_requis is None


def test_gestionnaire_needs_twelve_characters_and_administrator_sixteen(uow, politiques, operateur):
    identifiant, temporaire = creer_organisme_et_compte(uow, politiques, Role.GESTIONNAIRE)
    session = premiere_connexion(uow, politiques, identifiant, temporaire, "Gest-Solide-9")
    assert session.jeton
    admin, temporaire_admin = creer_organisme_et_compte(
        uow, politiques, Role.ADMINISTRATEUR_DELEGUE
    )
    with pytest.raises(MotDePasseNonConforme) as e:
        premiere_connexion(uow, politiques, admin, temporaire_admin, "Gest-Solide-9")
    assert e.value.regle == "longueur_min"


def test_password_is_rehashed_at_login_when_the_configured_cost_changes(uow, politiques, operateur):
    from dataclasses import replace

    from cpfadmin.domain.authentifiants import cout_du_hachage

    identifiant, temporaire = operateur
    premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    connexion(uow, replace(politiques, bcrypt_cost=5), identifiant, NOUVEAU_ADMIN)
    with uow() as u:
        assert cout_du_hachage(u.comptes.par_identifiant(identifiant).mot_de_passe_hache) == 5
    connexion(uow, replace(politiques, bcrypt_cost=5), identifiant, NOUVEAU_ADMIN)


def test_no_secret_ever_reaches_the_audit(uow, politiques, operateur):
    identifiant, temporaire = operateur
    session = premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    with uow() as u, pytest.raises(IdentifiantsInvalides):
        auth.commencer_connexion(u, identifiant, "Mauvais-Secret-Tape-42!", politiques)
    with uow() as u:
        contenu = json.dumps(
            [
                [e.action, e.acteur, e.cible, e.details]
                for e in u.session.exec(select(EvenementAudit))
            ]
        )
        compte = u.session.exec(select(Compte)).one()
    for secret in (temporaire, NOUVEAU_ADMIN, "Mauvais-Secret-Tape-42!", session.jeton):
        assert secret not in contenu
    assert compte.mot_de_passe_hache not in contenu


# --- login as a protocol that can cross a wire (issue 14) --------------------------------------
def test_what_the_first_step_returns_holds_no_stored_secret(uow, politiques, operateur):
    import dataclasses

    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u:
        compte = u.comptes.par_identifiant(identifiant)
        secrets_stockes = {compte.temporaire_condensat, compte.mot_de_passe_hache} - {None}
    valeurs = json.dumps(dataclasses.asdict(defi), default=str)
    assert secrets_stockes and not any(s in valeurs for s in secrets_stockes)
    assert "empreinte" not in {f.name for f in dataclasses.fields(defi)}
    assert "compte_id" not in {f.name for f in dataclasses.fields(defi)}
    # The store keeps the digest of the step token, never the token itself.
    with uow() as u:
        etapes = u.session.exec(select(EtapeConnexion)).all()
    assert [e.condensat for e in etapes] != [defi.jeton_etape] and len(etapes) == 1


def test_the_second_step_is_single_use(uow, politiques, operateur):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u:
        auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe=NOUVEAU_ADMIN,
            cgu_acceptee=_version(defi),
        )
    with uow() as u, pytest.raises(ErreurAuthentification, match="déjà terminée"):
        auth.terminer_connexion(u, defi.jeton_etape, politiques, cgu_acceptee=_version(defi))
    with uow() as u:
        assert u.session.exec(select(EtapeConnexion)).all() == []


def test_the_second_step_expires(uow, politiques, operateur, horloge):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    horloge.avancer(minutes=16)
    with uow() as u, pytest.raises(ErreurAuthentification, match="expirée"):
        auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe=NOUVEAU_ADMIN,
            cgu_acceptee=_version(defi),
        )


def test_a_forged_step_token_opens_nothing(uow, politiques, operateur):
    import dataclasses

    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    faux = dataclasses.replace(defi, jeton_etape=defi.jeton_etape[:-2] + "xx")
    with uow() as u, pytest.raises(ErreurAuthentification):
        auth.terminer_connexion(
            u,
            faux.jeton_etape,
            politiques,
            nouveau_mot_de_passe=NOUVEAU_ADMIN,
            cgu_acceptee=_version(faux),
        )


def test_a_refused_new_password_keeps_the_step_open(uow, politiques, operateur):
    identifiant, temporaire = operateur
    with uow() as u:
        defi = auth.commencer_connexion(u, identifiant, temporaire, politiques)
    with uow() as u, pytest.raises(MotDePasseNonConforme):
        auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe="court",
            cgu_acceptee=_version(defi),
        )
    with uow() as u:
        session = auth.terminer_connexion(
            u,
            defi.jeton_etape,
            politiques,
            nouveau_mot_de_passe=NOUVEAU_ADMIN,
            cgu_acceptee=_version(defi),
        )
    assert session.mot_de_passe_change


def _version(defi):
    """The CGU version the login shows, accepted as shown."""
    return defi.cgu.version if defi.cgu else None
