"""Sessions: lifetimes, revocation, logout."""

import pytest
from sqlmodel import select

from cpfadmin.domain.errors import NonConnecte, SessionExpiree
from cpfadmin.services import auth
from cpfadmin.store.models import SessionCompte
from tests.services.helpers import NOUVEAU_ADMIN, connexion, initialiser_base, premiere_connexion


@pytest.fixture
def session(uow, politiques):
    r = initialiser_base(uow, politiques)
    return premiere_connexion(
        uow, politiques, r.identifiant, r.mot_de_passe_temporaire, NOUVEAU_ADMIN
    )


def authentifier(uow, politiques, jeton):
    with uow() as u:
        return auth.authentifier(u, jeton, politiques)


def test_a_valid_token_identifies_the_account(uow, politiques, session):
    acteur = authentifier(uow, politiques, session.jeton)
    assert acteur.identifiant == session.identifiant
    assert acteur.est_operateur


def test_token_has_at_least_256_bits_and_is_stored_as_a_digest(uow, politiques, session):
    import hashlib

    assert len(session.jeton.removeprefix("cpf_")) >= 43  # 32 bytes in url-safe base64
    with uow() as u:
        stockee = u.session.exec(select(SessionCompte)).one()
    assert stockee.jeton_condensat == hashlib.sha256(session.jeton.encode()).hexdigest()


def test_no_token_or_an_unknown_one_means_not_logged_in(uow, politiques, session):
    with pytest.raises(NonConnecte):
        authentifier(uow, politiques, None)
    with pytest.raises(NonConnecte):
        authentifier(uow, politiques, "cpf_inconnu")


def test_session_expires_after_an_hour_of_inactivity(uow, politiques, session, horloge):
    horloge.avancer(minutes=59)
    authentifier(uow, politiques, session.jeton)
    horloge.avancer(minutes=59)
    authentifier(uow, politiques, session.jeton)  # activity pushed the idle deadline
    horloge.avancer(minutes=61)
    with pytest.raises(SessionExpiree, match="inactivité"):
        authentifier(uow, politiques, session.jeton)


def test_session_ends_after_twelve_hours_whatever_the_activity(uow, politiques, session, horloge):
    for _ in range(12):
        horloge.avancer(minutes=55)
        authentifier(uow, politiques, session.jeton)
    horloge.avancer(minutes=61)
    with pytest.raises(SessionExpiree, match="durée maximale"):
        authentifier(uow, politiques, session.jeton)


def test_lifetimes_are_configurable(uow, politiques, session, horloge):
    from dataclasses import replace

    courte = replace(politiques, session_idle_minutes=5)
    horloge.avancer(minutes=6)
    with pytest.raises(SessionExpiree):
        authentifier(uow, courte, session.jeton)


def test_logout_revokes_this_session_only(uow, politiques, session):
    autre = connexion(uow, politiques, session.identifiant, NOUVEAU_ADMIN)
    acteur = authentifier(uow, politiques, session.jeton)
    with uow() as u:
        assert auth.deconnecter(u, acteur) == 1
    with pytest.raises(SessionExpiree):
        authentifier(uow, politiques, session.jeton)
    assert authentifier(uow, politiques, autre.jeton).identifiant == session.identifiant


def test_logout_all_revokes_every_session_of_the_account(uow, politiques, session):
    autre = connexion(uow, politiques, session.identifiant, NOUVEAU_ADMIN)
    acteur = authentifier(uow, politiques, session.jeton)
    with uow() as u:
        assert auth.deconnecter(u, acteur, toutes=True) == 2
    for jeton in (session.jeton, autre.jeton):
        with pytest.raises(SessionExpiree):
            authentifier(uow, politiques, jeton)


def test_a_password_change_at_login_revokes_the_other_sessions(uow, politiques, session, horloge):
    horloge.avancer(days=365)
    nouvelle = connexion(
        uow,
        politiques,
        session.identifiant,
        NOUVEAU_ADMIN,
        nouveau_mot_de_passe="Encore-Une-Phrase-Solide-2027",
    )
    assert nouvelle.mot_de_passe_change
    with pytest.raises(SessionExpiree):
        authentifier(uow, politiques, session.jeton)
    authentifier(uow, politiques, nouvelle.jeton)
