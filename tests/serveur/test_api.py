"""The HTTP API itself (SPEC §8): error bodies and statuses, login as a protocol over the wire,
hygiene headers, body limits, the access log without secrets, OpenAPI, health checks."""

from __future__ import annotations

import json

from tests.support.console import MOT_DE_PASSE_ADMIN


def _connecter(serveur, identifiant, temporaire):
    statut, _, etape = serveur.requete(
        "POST", "/api/v1/connexion", {"identifiant": identifiant, "mot_de_passe": temporaire}
    )
    assert statut == 200, etape
    assert etape["etapes"] == ["nouveau_mot_de_passe", "cgu"]
    statut, _, session = serveur.requete(
        "POST",
        "/api/v1/connexion/fin",
        {
            "jeton_etape": etape["jeton_etape"],
            "nouveau_mot_de_passe": MOT_DE_PASSE_ADMIN,
            "cgu_acceptee": etape["cgu"]["version"],
        },
    )
    assert statut == 200, session
    return etape, session


def test_login_over_http_names_the_steps_and_returns_no_secret(serveur, initialise):
    identifiant, temporaire = initialise
    etape, session = _connecter(serveur, identifiant, temporaire)
    assert set(etape) == {
        "jeton_etape", "identifiant", "etapes", "changement_requis", "regles", "cgu",
    }  # fmt: skip
    assert temporaire not in json.dumps(etape)
    # the step token was single-use
    statut, _, corps = serveur.requete(
        "POST", "/api/v1/connexion/fin", {"jeton_etape": etape["jeton_etape"]}
    )
    assert statut == 401 and corps["erreur"]["code"] == 3
    statut, _, moi = serveur.requete("GET", "/api/v1/moi", jeton=session["jeton"])
    assert statut == 200 and moi["identifiant"] == identifiant
    # one answer for an unknown identifiant and a wrong password
    reponses = [
        serveur.requete("POST", "/api/v1/connexion", {"identifiant": i, "mot_de_passe": "x"})
        for i in (identifiant, "ZZZZ2345")
    ]
    assert reponses[0][0] == reponses[1][0] == 401
    assert reponses[0][2] == reponses[1][2]
    # nothing secret in the access log
    journal = "\n".join(serveur.lignes_journal())
    for secret in (temporaire, MOT_DE_PASSE_ADMIN, session["jeton"], etape["jeton_etape"]):
        assert secret not in journal
    acces = [json.loads(ligne) for ligne in serveur.lignes_journal() if ligne.startswith("{")]
    assert {a["chemin"] for a in acces} >= {"/api/v1/connexion", "/api/v1/moi"}
    assert all(len(a["requete"]) == 32 for a in acces)
    # the time of the use case within the request's, for what reached one
    moi = next(a for a in acces if a["chemin"] == "/api/v1/moi" and a["statut"] == 200)
    assert 0 < moi["duree_application_ms"] <= moi["duree_ms"]


def test_errors_have_the_section_8_body_and_status(serveur):
    cas = [
        ("GET", "/api/v1/moi", None, None, 401, 3),
        ("GET", "/api/v1/moi", None, "faux", 401, 3),
        ("GET", "/api/v1/nulle-part", None, None, 404, 5),
        ("DELETE", "/api/v1/moi", None, None, 405, 2),
        ("POST", "/api/v1/connexion", {"identifiant": "A"}, None, 422, 7),
        (
            "POST",
            "/api/v1/connexion",
            {"identifiant": "A", "mot_de_passe": "b", "x": 1},
            None,
            422,
            7,
        ),
    ]
    for methode, chemin, corps, jeton, statut, code in cas:
        recu, entetes, reponse = serveur.requete(methode, chemin, corps, jeton=jeton)
        assert (recu, reponse["erreur"]["code"]) == (statut, code), (chemin, reponse)
        assert reponse["erreur"]["message"]
        assert "Traceback" not in json.dumps(reponse)
        assert entetes["content-type"].startswith("application/json")
    recu, _, reponse = serveur.requete("POST", "/api/v1/connexion", brut=b"{pas du json")
    assert recu == 422 and reponse["erreur"]["code"] == 7


def test_hygiene_headers_request_id_and_no_cors(serveur):
    statut, entetes, _ = serveur.requete(
        "GET", "/healthz", entetes={"Origin": "https://ailleurs.example"}
    )
    assert statut == 200
    assert len(entetes["x-request-id"]) == 32
    assert entetes["x-content-type-options"] == "nosniff"
    assert entetes["x-frame-options"] == "DENY"
    assert entetes["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in entetes
    assert "server" not in entetes
    _, autres, _ = serveur.requete("GET", "/healthz")
    assert autres["x-request-id"] != entetes["x-request-id"]


def test_body_size_is_limited(serveur):
    gros = json.dumps({"identifiant": "A" * (2 * 1024 * 1024), "mot_de_passe": "x"}).encode()
    statut, _, corps = serveur.requete("POST", "/api/v1/connexion", brut=gros)
    assert statut == 413 and corps["erreur"]["code"] == 7


def test_openapi_health_and_readiness(serveur):
    statut, _, document = serveur.requete("GET", "/api/v1/openapi.json")
    assert statut == 200
    chemins = set(document["paths"])
    assert {"/api/v1/connexion", "/api/v1/gestionnaires", "/api/v1/gestionnaires/import"} <= chemins
    assert serveur.requete("GET", "/readyz")[0] == 200
    assert serveur.requete("GET", "/healthz")[2]["statut"] == "ok"


def test_the_server_replaces_a_connection_the_store_has_closed(serveur, initialise, url_base):
    """PostgreSQL ends the server's pooled connections (a restart, a failover, an
    administrator's pg_terminate_backend): the next request is answered on a new one."""
    import pytest

    if not url_base.startswith("postgresql"):
        pytest.skip("SQLite : pas de connexion qu'un serveur de base puisse couper")
    import psycopg

    identifiant, temporaire = initialise
    _, session = _connecter(serveur, identifiant, temporaire)
    assert serveur.requete("GET", "/api/v1/moi", jeton=session["jeton"])[0] == 200
    with psycopg.connect(url_base, autocommit=True) as c:
        coupees = c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    assert coupees and all(ok for (ok,) in coupees)
    statut, _, moi = serveur.requete("GET", "/api/v1/moi", jeton=session["jeton"])
    assert statut == 200, moi
    assert moi["identifiant"] == identifiant

    # The store refuses connections for a while: 503 with the §8 body, code 8, and nothing of
    # the store's address for the client (it is in the server's log); then back by itself.
    base = url_base.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url_base.replace(f"/{base}", "/postgres"), autocommit=True) as c:
        c.execute(f'ALTER DATABASE "{base}" WITH ALLOW_CONNECTIONS false')
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (base,),
        )
        try:
            for chemin in ("/api/v1/moi", "/readyz"):
                statut, _, corps = serveur.requete("GET", chemin, jeton=session["jeton"])
                assert statut == 503 and corps["erreur"]["code"] == 8, corps
                message = corps["erreur"]["message"]
                assert message.startswith("Base de données du serveur indisponible"), message
                assert base not in json.dumps(corps) and "postgres" not in message
        finally:
            c.execute(f'ALTER DATABASE "{base}" WITH ALLOW_CONNECTIONS true')
    assert base in "\n".join(serveur.lignes_journal())  # the operator's detail
    assert serveur.requete("GET", "/api/v1/moi", jeton=session["jeton"])[0] == 200
