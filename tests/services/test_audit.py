"""The audit chain through the services: written with each change, verified, tamper found."""

import pytest
from sqlalchemy import text

from cpfadmin.domain.errors import AccesRefuse
from cpfadmin.domain.roles import Role
from cpfadmin.services import audit, auth
from tests.services.helpers import (
    NOUVEAU_ADMIN,
    NOUVEAU_GESTIONNAIRE,
    creer_organisme_et_compte,
    initialiser_base,
    premiere_connexion,
)


@pytest.fixture
def operateur(uow, politiques):
    r = initialiser_base(uow, politiques)
    session = premiere_connexion(
        uow, politiques, r.identifiant, r.mot_de_passe_temporaire, NOUVEAU_ADMIN
    )
    with uow() as u:
        return auth.authentifier(u, session.jeton, politiques)


def verifier(uow, acteur):
    with uow(lecture=True) as u:
        return audit.verifier(u, acteur)


def test_the_chain_of_a_fresh_story_is_valid(uow, operateur):
    resultat = verifier(uow, operateur)
    assert resultat.valide
    # initialisation, mot_de_passe_change, cgu_acceptees, connexion_reussie
    assert resultat.evenements_verifies == 4


def test_events_are_listed_in_order_with_their_actions(uow, operateur):
    with uow(lecture=True) as u:
        evenements = audit.lister(u, operateur)
    assert [e["action"] for e in evenements] == [
        "initialisation",
        "mot_de_passe_change",
        "cgu_acceptees",
        "connexion_reussie",
    ]
    assert [e["seq"] for e in evenements] == [1, 2, 3, 4]


def test_list_filters_by_action_and_identifiant(uow, operateur):
    with uow(lecture=True) as u:
        assert [e["seq"] for e in audit.lister(u, operateur, action="cgu_acceptees")] == [3]
        assert len(audit.lister(u, operateur, identifiant=operateur.identifiant.lower())) == 4
        assert audit.lister(u, operateur, identifiant="ZZZZZZZZ") == []


@pytest.mark.parametrize(
    "alteration, raison",
    [
        ("UPDATE evenement_audit SET action = 'connexion_echec' WHERE seq = 2", "modifié"),
        ("DELETE FROM evenement_audit WHERE seq = 2", "manquant"),
        ("DELETE FROM evenement_audit WHERE seq = 4", "tronquée"),
        ("UPDATE evenement_audit SET seq = seq + 100 WHERE seq = 2", "manquant"),
    ],
)
def test_verify_finds_an_edited_deleted_or_truncated_event(
    uow, moteur, operateur, alteration, raison
):
    with moteur.begin() as c:
        c.execute(text(alteration))
    resultat = verifier(uow, operateur)
    assert not resultat.valide
    assert raison in resultat.rupture.raison


def test_verify_finds_two_events_swapped(uow, moteur, operateur):
    with moteur.begin() as c:
        c.execute(text("UPDATE evenement_audit SET seq = 1000 WHERE seq = 2"))
        c.execute(text("UPDATE evenement_audit SET seq = 2 WHERE seq = 3"))
        c.execute(text("UPDATE evenement_audit SET seq = 3 WHERE seq = 1000"))
    resultat = verifier(uow, operateur)
    assert resultat.rupture.seq == 2


def test_verify_finds_a_rewritten_digest_chain_only_at_the_head(uow, moteur, operateur):
    # Someone recomputing digests of later events still breaks the link to the head row.
    with moteur.begin() as c:
        c.execute(text("DELETE FROM evenement_audit WHERE seq = 4"))
    assert "tronquée" in verifier(uow, operateur).rupture.raison


def test_a_gestionnaire_may_not_read_the_audit(uow, politiques, operateur):
    identifiant, temporaire = creer_organisme_et_compte(uow, politiques, Role.GESTIONNAIRE)
    session = premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_GESTIONNAIRE)
    with uow() as u:
        acteur = auth.authentifier(u, session.jeton, politiques)
    with uow() as u, pytest.raises(AccesRefuse):
        audit.lister(u, acteur)
    with uow() as u, pytest.raises(AccesRefuse):
        audit.verifier(u, acteur)


def test_an_employer_admin_reads_only_the_events_of_its_organisme(uow, politiques, operateur):
    identifiant, temporaire = creer_organisme_et_compte(
        uow, politiques, Role.ADMINISTRATEUR_PRINCIPAL
    )
    session = premiere_connexion(uow, politiques, identifiant, temporaire, NOUVEAU_ADMIN)
    with uow() as u:
        acteur = auth.authentifier(u, session.jeton, politiques)
    with uow() as u:
        evenements = audit.lister(u, acteur)
        assert evenements and {e["organisme"] for e in evenements} == {acteur.organisme_siret}
        with pytest.raises(AccesRefuse):
            audit.lister(u, acteur, organisme="18002002600019")


def test_the_unit_of_work_writes_nothing_of_the_audit_when_rolled_back(uow, operateur):
    with uow() as u:
        u.auditer("essai", acteur=operateur.identifiant)
        # no commit
    assert verifier(uow, operateur).evenements_verifies == 4


def test_the_audit_refuses_secret_like_details(uow):
    with uow() as u, pytest.raises(ValueError):
        u.auditer("essai", details={"mot_de_passe": "x"})
