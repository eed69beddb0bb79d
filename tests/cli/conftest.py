"""Fixtures of the command-line tests that share the employer world."""

from __future__ import annotations

import pytest

from tests.support.console import MOT_DE_PASSE_ADMIN, MOT_DE_PASSE_GESTIONNAIRE, employeur_inscrit
from tests.support.employeur import Employeur


@pytest.fixture
def employeur(console, operateur, url_base, tmp_path):
    op, ap, jeton_ap = employeur_inscrit(console, operateur)
    dossier = tmp_path / "fichiers"
    dossier.mkdir()
    return Employeur(console, url_base, op, ap, jeton_ap, dossier)


@pytest.fixture
def delegue(employeur):
    """A delegated admin of the employer, logged in: its session token."""
    adresse = "marc.roux@lumiere.example"
    identifiant = employeur.console.ajouter(
        employeur.jeton_ap, "Roux", "Marc", adresse, "--delegue"
    )
    return employeur.console.premiere_connexion(identifiant, adresse, MOT_DE_PASSE_ADMIN)


@pytest.fixture
def gestionnaire(employeur):
    """A gestionnaire of the employer, logged in: its session token."""
    adresse = "paul.durand@lumiere.example"
    identifiant = employeur.console.ajouter(employeur.jeton_ap, "Durand", "Paul", adresse)
    return employeur.console.premiere_connexion(identifiant, adresse, MOT_DE_PASSE_GESTIONNAIRE)
