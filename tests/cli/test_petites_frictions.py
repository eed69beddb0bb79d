"""Small frictions of a newcomer's first hour (issue 11, point 17)."""

import pytest

from tests.support.console import (
    employeur_inscrit,
)


@pytest.fixture
def jeton_ap(console, operateur):
    return employeur_inscrit(console, operateur)[2]


AJOUT = ("gestionnaires", "add", "--nom", "Petit", "--prenom", "Léa",
         "--email", "lea.petit@lumiere.example", "--telephone-mobile", "0611223355")  # fmt: skip


def test_creating_a_delegue_says_to_pass_the_identifiant_to_the_delegated_admin(console, jeton_ap):
    r = console.ok(*AJOUT, "--delegue", jeton=jeton_ap)
    assert "à transmettre à l'administrateur délégué." in r.stderr
    assert "au gestionnaire" not in r.stderr


def test_creating_a_gestionnaire_keeps_the_gestionnaire_wording(console, jeton_ap):
    r = console.ok(*AJOUT, jeton=jeton_ap)
    assert "à transmettre au gestionnaire." in r.stderr
