"""The server's request time limit (SPEC §8 "request size and time limits"): a request whose
work cannot finish in time is answered 503 (exit 8 at the CLI, in French) and nothing of it is
written — not even once the store lets its work go on; the server answers the next request.

The work is held up from outside, as a long transaction of someone else's would: the test
holds the store's write lock (SQLite) or a lock on the table (PostgreSQL). On PostgreSQL the
statement is cancelled at the limit (``statement_timeout``); on SQLite the wrapper answers at
the limit and the work, released later, finds it may no longer commit. The limit is one second
here: a test never depends on the machine's speed, only on the order of events."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator

from tests.support.base import lignes
from tests.support.console import MOT_DE_PASSE_ADMIN, Console
from tests.support.serveur import Serveur, demarrer

SIRET = "44306184100047"


@contextlib.contextmanager
def store_bloque(url_base: str) -> Iterator[None]:
    """Someone else's transaction holds what an ``organismes add`` needs, until the block
    ends."""
    if url_base.startswith("sqlite"):
        connexion = sqlite3.connect(url_base.removeprefix("sqlite:///"), isolation_level=None)
        connexion.execute("BEGIN IMMEDIATE")  # the write lock
        try:
            yield
        finally:
            connexion.execute("ROLLBACK")
            connexion.close()
        return
    import psycopg

    with psycopg.connect(url_base) as connexion:
        connexion.execute("LOCK TABLE organisme IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            connexion.rollback()


def _fin_de_requete(serveur: Serveur, chemin: str, statut: int, delai: float = 60.0) -> dict:
    """The access-log line of the request to ``chemin`` answered ``statut``: written once the
    request's work is over, late work included."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        for ligne in serveur.lignes_journal():
            if ligne.startswith("{"):
                entree = json.loads(ligne)
                if entree.get("chemin") == chemin and entree.get("statut") == statut:
                    return entree
        time.sleep(0.05)
    raise AssertionError(f"aucune requête {chemin} → {statut} : {serveur.lignes_journal()}")


def test_a_request_past_the_limit_is_refused_and_writes_nothing(
    operateur, locale, cli, url_base, tmp_path
):
    op = locale.connecter(operateur, MOT_DE_PASSE_ADMIN)
    serveur = demarrer(tmp_path, "--request-timeout", "1")
    try:
        distant = Console(
            lambda *a, input=None, env=None: cli(
                "--server",
                serveur.url,
                *a,
                input=input,
                env={"CPFADMIN_DATABASE_URL": None, **(env or {})},
            ),
            url_base,
        )
        ajout = ("organismes", "add", "--siret", SIRET, "--raison-sociale", "Lente",
                 "--type", "employeur_prive")  # fmt: skip
        with store_bloque(url_base):
            r = distant(*ajout, jeton=op)
        assert r.exit_code == 8, (r.stdout, r.stderr)
        assert "délai imparti" in r.stderr
        assert "rien n'a été enregistré" in r.stderr
        assert "Traceback" not in r.stderr
        # the work, let go once the lock is released, ended without committing
        entree = _fin_de_requete(serveur, "/api/v1/organismes", 503)
        assert entree["methode"] == "POST"
        assert lignes(url_base, "SELECT siret FROM organisme WHERE siret = :s", s=SIRET) == []
        assert lignes(
            url_base, "SELECT seq FROM evenement_audit WHERE action = 'organisme_cree'"
        ) == []  # fmt: skip
        # the server answers the next request, and the same command now succeeds
        distant.ok(*ajout, jeton=op)
        assert lignes(url_base, "SELECT siret FROM organisme WHERE siret = :s", s=SIRET) == [
            (SIRET,)
        ]
    finally:
        serveur.arreter()


def test_the_limit_answers_in_the_error_body_of_section_8(operateur, locale, url_base, tmp_path):
    op = locale.connecter(operateur, MOT_DE_PASSE_ADMIN)
    serveur = demarrer(tmp_path, "--request-timeout", "1")
    try:
        corps = {"siret": SIRET, "raison_sociale": "Lente", "type": "employeur_prive"}
        with store_bloque(url_base):
            statut, _, reponse = serveur.requete("POST", "/api/v1/organismes", corps, jeton=op)
        assert statut == 503
        assert reponse["erreur"]["code"] == 8
        assert "délai imparti" in reponse["erreur"]["message"]
        _fin_de_requete(serveur, "/api/v1/organismes", 503)
        assert lignes(url_base, "SELECT siret FROM organisme WHERE siret = :s", s=SIRET) == []
        statut, _, _ = serveur.requete("GET", "/api/v1/organismes", jeton=op)
        assert statut == 200
    finally:
        serveur.arreter()
