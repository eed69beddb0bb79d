"""A unit of work with a time limit (a server request's, SPEC §8): nothing commits once the
limit has passed, and on PostgreSQL a statement that would outlast it is cancelled — either
way the error is ``DelaiDepasse`` (exit 8, HTTP 503) and the store is as before."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from cpfadmin.domain.errors import DelaiDepasse
from cpfadmin.store.uow import UniteDeTravail, executer


def _evenements(moteur) -> int:  # type: ignore[no-untyped-def]
    with moteur.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM evenement_audit")).scalar_one())


def test_nothing_commits_past_the_limit(moteur, horloge):
    avant = _evenements(moteur)
    with pytest.raises(DelaiDepasse), UniteDeTravail(
        moteur, horloge, echeance=time.monotonic() - 0.001
    ) as u:  # fmt: skip
        u.auditer("politique_modifiee", acteur="ZZZZ0001", details={"cle": "x"})
        u.commit()
    assert _evenements(moteur) == avant
    # within its limit, the same work commits
    with UniteDeTravail(moteur, horloge, echeance=time.monotonic() + 60) as u:
        u.auditer("politique_modifiee", acteur="ZZZZ0001", details={"cle": "x"})
        u.commit()
    assert _evenements(moteur) == avant + 1


def test_a_retried_conflict_stops_at_the_limit(moteur, horloge):
    from cpfadmin.store.uow import ConcurrenceTransitoire

    essais = []

    def travail(_u):  # type: ignore[no-untyped-def]
        essais.append(1)
        raise ConcurrenceTransitoire("occupée")

    with pytest.raises(DelaiDepasse):
        executer(
            lambda: UniteDeTravail(moteur, horloge, echeance=time.monotonic() - 0.001), travail
        )
    assert len(essais) == 1  # not eight tries with back-off past the limit


def test_postgresql_cancels_a_statement_that_would_outlast_the_limit(moteur, horloge):
    if moteur.dialect.name != "postgresql":
        pytest.skip("PostgreSQL seul annule une instruction en cours (statement_timeout)")
    debut = time.monotonic()
    with pytest.raises(DelaiDepasse), UniteDeTravail(
        moteur, horloge, echeance=time.monotonic() + 0.3
    ) as u:  # fmt: skip
        u.session.execute(text("SELECT pg_sleep(30)"))
    assert time.monotonic() - debut < 25  # cancelled, not waited for
