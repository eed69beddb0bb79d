"""Shell completion of option values through the real mechanism (issue 11, point 12): the
installed ``cpfadmin`` entry point, run by bash's completion function with
``_CPFADMIN_COMPLETE=complete_bash``, ``COMP_WORDS`` and ``COMP_CWORD``."""

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.console import MOT_DE_PASSE_ADMIN, SIRET_EMPLOYEUR, Console
from tests.support.processus import cpfadmin, environnement

POINT_D_ENTREE = Path(sys.executable).with_name("cpfadmin")


def completer(ligne: str) -> list[str]:
    """What bash gets for the word under the cursor at the end of ``ligne`` (a trailing space
    means a new, empty word), as its completion function asks for it."""
    mots = shlex.split(ligne)
    cword = len(mots) if ligne.endswith(" ") else len(mots) - 1
    fini = subprocess.run(
        [str(POINT_D_ENTREE)],
        capture_output=True,
        text=True,
        env=environnement(
            {"_CPFADMIN_COMPLETE": "complete_bash", "COMP_WORDS": ligne, "COMP_CWORD": str(cword)}
        ),
        timeout=60,
        check=False,
    )
    assert fini.returncode == 0, fini.stderr
    assert fini.stderr == ""
    return [ligne for ligne in fini.stdout.splitlines() if ligne]


@pytest.fixture(autouse=True)
def installe():
    if not POINT_D_ENTREE.exists():
        pytest.skip(f"point d'entrée absent : {POINT_D_ENTREE}")


@pytest.mark.parametrize(
    ("ligne", "attendu"),
    [
        ("cpfadmin gestionnaires list --statut ", ["actif", "suspendu", "supprime"]),
        ("cpfadmin gestionnaires list --statut su", ["suspendu", "supprime"]),
        ("cpfadmin gestionnaires list --role ",
         ["administrateur_principal", "administrateur_delegue", "gestionnaire"]),
        ("cpfadmin gestionnaires add --niveau ", ["consultation", "gestion"]),
        ("cpfadmin organismes add --type employeur", ["employeur_public", "employeur_prive"]),
        ("cpfadmin organismes list --statut ", ["actif", "suspendu"]),
        ("cpfadmin outbox list --statut e", ["en_attente", "envoye", "echec", "expire"]),
        ("cpfadmin audit list --action connexion_",
         ["connexion_reussie", "connexion_echec", "connexion_refusee"]),
    ],
    ids=["statut", "statut-debut", "role", "niveau", "type", "statut-organisme", "outbox",
         "action"],
)  # fmt: skip
def test_option_values_are_offered(ligne, attendu):
    assert completer(ligne) == attendu


def test_the_type_never_offers_cdc():
    assert "cdc" not in completer("cpfadmin organismes list --type ")


def test_unites_are_not_offered_when_not_logged_in(url_base):
    assert completer("cpfadmin gestionnaires list --unite ") == []


@pytest.fixture
def connecte(cli, url_base, operateur):
    """The operator logged in (session in the test keyring), an employer with two unités."""
    console = Console(cli, url_base)
    jeton = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
    console.creer_organisme(jeton, SIRET_EMPLOYEUR, "Transports Lumière SAS")
    for libelle in ("Service paie", "Formation", "Sécurité"):
        console.ok("unites", "add", libelle, "--organisme", SIRET_EMPLOYEUR, jeton=jeton)
    console.ok("unites", "add", "Direction", jeton=jeton)  # the CDC's own
    # Logged in as a shell user is, in a process of its own (the session in its keyring).
    r = cpfadmin("login", operateur, "--password-stdin", entree=f"{MOT_DE_PASSE_ADMIN}\n")
    assert r.code == 0, r


def test_the_organisme_unites_are_offered_to_the_logged_in_user(connecte):
    ligne = f"cpfadmin gestionnaires list --organisme {SIRET_EMPLOYEUR} --unite "
    assert sorted(completer(ligne)) == ["Formation", "Service paie", "Sécurité"]
    ligne = f"cpfadmin gestionnaires add --organisme {SIRET_EMPLOYEUR} --unite S"
    assert sorted(completer(ligne)) == ["Service paie", "Sécurité"]
    ligne = f"cpfadmin gestionnaires list --organisme {SIRET_EMPLOYEUR} --unite Sé"
    assert completer(ligne) == ["Sécurité"]
    assert completer("cpfadmin unites remove ") == ["Direction"]


def test_unites_completion_is_silent_when_the_session_is_gone(connecte):
    assert cpfadmin("logout").code == 0
    assert completer(f"cpfadmin gestionnaires list --organisme {SIRET_EMPLOYEUR} --unite ") == []
