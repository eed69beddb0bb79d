import pytest
from sqlmodel import select

from cpfadmin.domain.errors import DejaInitialise
from cpfadmin.store.models import Cgu, Compte, EvenementAudit, Organisme
from tests.services.helpers import donnees, initialiser_base


def test_init_creates_the_cdc_organisme_its_principal_admin_and_the_first_cgu(uow, politiques):
    resultat = initialiser_base(uow, politiques)
    with uow() as u:
        organisme = u.session.exec(select(Organisme)).one()
        compte = u.session.exec(select(Compte)).one()
        cgu = u.session.exec(select(Cgu)).one()
    assert (organisme.type, organisme.siret) == ("cdc", "18002002600019")
    assert compte.identifiant == resultat.identifiant
    assert compte.role == "administrateur_principal"
    assert compte.organisme_id == organisme.id
    assert compte.mot_de_passe_hache is None
    assert compte.temporaire_condensat.startswith("hmac-sha256$")
    assert resultat.mot_de_passe_temporaire not in compte.temporaire_condensat
    assert cgu.version == "1.0" and "CONDITIONS GÉNÉRALES" in cgu.texte


def test_init_stores_the_temporary_password_expiry_seven_days_ahead(uow, politiques, horloge):
    resultat = initialiser_base(uow, politiques)
    assert (resultat.temporaire_expire_le - horloge()).days == 7


def test_init_records_an_audit_event_without_the_secret(uow, politiques):
    resultat = initialiser_base(uow, politiques)
    with uow() as u:
        evenement = u.session.exec(select(EvenementAudit)).one()
    assert evenement.action == "initialisation"
    assert evenement.cible == resultat.identifiant
    assert resultat.mot_de_passe_temporaire not in str(evenement.details)


def test_init_refuses_an_initialised_store_and_writes_nothing(uow, politiques):
    initialiser_base(uow, politiques)
    with uow() as u, pytest.raises(DejaInitialise):
        from cpfadmin.services.bootstrap import initialiser

        initialiser(u, donnees("Autre", "Bob"), politiques)
    with uow() as u:
        assert len(u.session.exec(select(Compte)).all()) == 1
        assert len(u.session.exec(select(EvenementAudit)).all()) == 1
