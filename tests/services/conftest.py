"""Fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cpfadmin.domain.politique import Politiques
from tests.conftest import BACKEND, _creer_base_postgres, _supprimer_base_postgres
from tests.services.monde import Monde, construire


@pytest.fixture(scope="module")
def monde(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monde]:
    """The world of ``tests/services/monde.py``, built once per test module."""
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.migrate import mettre_a_jour

    nom_pg = None
    if BACKEND == "postgresql":
        nom_pg, url = _creer_base_postgres()
    else:
        dossier: Path = tmp_path_factory.mktemp("monde")
        url = f"sqlite:///{dossier / 'cpfadmin.db'}"
    moteur = creer_moteur(url)
    try:
        mettre_a_jour(moteur)
        yield construire(moteur, Politiques(bcrypt_cost=4))
    finally:
        moteur.dispose()
        if nom_pg:
            _supprimer_base_postgres(nom_pg)
