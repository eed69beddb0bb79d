"""Issue 13, point 2: the temporary password went by e-mail; it cannot become the password.
Through the installed CLI, on the test's store (SQLite, or PostgreSQL in the store-dependent
pass)."""

from __future__ import annotations

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.processus import Resultat, cpfadmin, initialiser


def _premier_login(identifiant: str, entree: str) -> Resultat:
    return cpfadmin("login", identifiant, "--password-stdin", "--accept-cgu", entree=entree)


def test_first_login_refuses_the_temporary_password_as_the_new_one(url_base):
    identifiant, temporaire = initialiser()
    r = _premier_login(identifiant, f"{temporaire}\n{temporaire}\n")
    assert r.code == 7, r
    assert "Le mot de passe temporaire reçu par e-mail ne peut pas devenir votre mot de passe" in (
        r.stderr
    )
    assert cpfadmin("me").code == 3  # no session was opened
    # the same temporary, written with other spaces or case, is the same password
    r = _premier_login(identifiant, f"{temporaire}\n {temporaire.lower()} \n")
    assert r.code in (3, 7), r
    assert "Connecté" not in r.stderr
    # the temporary still works, for a new password
    r = _premier_login(identifiant, f"{temporaire}\n{MOT_DE_PASSE_ADMIN}\n")
    assert r.code == 0, r


@pytest.mark.parametrize(
    "nouveau, regle",
    [
        ("Motdepasse-2026-!!", "mots de passe courants ou divulgués"),
        ("Password12345678!A", "suites de clavier"),
        ("court-A1!", "trop court"),
        ("Alice-Martin-2026-xyz!", "votre nom"),
    ],
    ids=["courant", "clavier", "court", "personnel"],
)
def test_policy_rejections_at_first_login_end_with_exit_7_not_a_signal(url_base, nouveau, regle):
    """Issue 13, point 3: a rejection came while the background threads (the bcrypt head
    start, the imports made during the prompt) still ran, and the interpreter's shutdown
    aborted the process (signal 6) on PostgreSQL. Every rejection ends with exit 7."""
    identifiant, temporaire = initialiser()
    r = _premier_login(identifiant, f"{temporaire}\n{nouveau}\n")
    assert r.code == 7, r
    assert regle in r.stderr
    assert "Fatal Python error" not in r.stderr
