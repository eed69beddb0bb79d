"""Fixtures of the server tests: a real ``cpfadmin serve`` subprocess on a free loopback port
over the test's store, and the in-process CLI as its client (``--server URL``)."""

from __future__ import annotations

import pytest

from tests.support.console import Console, commande_construite_une_fois
from tests.support.serveur import demarrer


@pytest.fixture
def serveur(initialise, tmp_path):
    """The server over the test's initialised store (its first operator has not logged in)."""
    s = demarrer(tmp_path)
    yield s
    s.arreter()


@pytest.fixture
def distant(cli, serveur, url_base, monkeypatch):
    """The CLI acting through the server, as an administrator's machine would."""
    commande_construite_une_fois(monkeypatch)

    def lancer(*args, input=None, env=None):
        # This machine holds no store: only the server's URL (no CPFADMIN_DATABASE_URL).
        env = {"CPFADMIN_DATABASE_URL": None, **(env or {})}
        return cli("--server", serveur.url, *args, input=input, env=env)

    return Console(lancer, url_base)


@pytest.fixture
def locale(cli, url_base, monkeypatch):
    """The CLI on the store itself, for comparison."""
    commande_construite_une_fois(monkeypatch)
    return Console(cli, url_base)
