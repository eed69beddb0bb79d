import json

from sqlalchemy import create_engine, text

from tests.conftest import json_de


def test_audit_list_shows_the_story_in_order(cli, operateur):
    r = cli("-o", "json", "audit", "list")
    assert r.exit_code == 0, r.stderr
    assert [e["action"] for e in json_de(r)] == [
        "initialisation",
        "mot_de_passe_change",
        "cgu_acceptees",
        "connexion_reussie",
    ]


def test_audit_list_filters(cli, operateur):
    r = cli("-o", "json", "audit", "list", "--action", "cgu_acceptees", "--since", "2000-01-01")
    assert [e["seq"] for e in json_de(r)] == [3]
    assert cli("audit", "list", "--since", "hier").exit_code == 7


def test_audit_verify_passes_on_an_untouched_chain(cli, operateur):
    r = cli("-o", "json", "audit", "verify")
    assert r.exit_code == 0
    assert json_de(r) == {"valide": True, "evenements_verifies": 4}


def test_audit_verify_detects_an_edited_event_and_names_it(cli, operateur, url_base):
    moteur = create_engine(url_base.replace("postgresql://", "postgresql+psycopg://"))
    with moteur.begin() as c:
        c.execute(text("UPDATE evenement_audit SET cible = 'ZZZZZZZZ' WHERE seq = 2"))
    moteur.dispose()
    r = cli("audit", "verify")
    assert r.exit_code == 6
    assert "n° 2" in r.stderr and "modifié" in r.stderr
    r = cli("-o", "json", "audit", "verify")
    assert json.loads(r.stderr)["erreur"]["code"] == 6
