"""Small frictions of a newcomer's first hour (issue 11, point 17)."""

import pytest

from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    SIRET_EMPLOYEUR,
    Console,
    commande_construite_une_fois,
)


@pytest.fixture
def console(cli, url_base, monkeypatch):
    commande_construite_une_fois(monkeypatch)
    return Console(cli, url_base)


@pytest.fixture
def jeton_ap(console, operateur):
    op = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(op, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    adresse = "chloe.bernard@lumiere.example"
    ap = console.designer(op, SIRET_EMPLOYEUR, "Bernard", "Chloé", adresse)
    return console.premiere_connexion(ap, adresse, MOT_DE_PASSE_ADMIN)


AJOUT = ("gestionnaires", "add", "--nom", "Petit", "--prenom", "Léa",
         "--email", "lea.petit@lumiere.example", "--telephone-mobile", "0611223355")  # fmt: skip


def test_creating_a_delegue_says_to_pass_the_identifiant_to_the_delegated_admin(console, jeton_ap):
    r = console.ok(*AJOUT, "--delegue", jeton=jeton_ap)
    assert "à transmettre à l'administrateur délégué." in r.stderr
    assert "au gestionnaire" not in r.stderr


def test_creating_a_gestionnaire_keeps_the_gestionnaire_wording(console, jeton_ap):
    r = console.ok(*AJOUT, jeton=jeton_ap)
    assert "à transmettre au gestionnaire." in r.stderr
