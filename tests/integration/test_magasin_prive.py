"""Issue 13, point 7: the store holds queued temporary passwords. Whatever the umask, the data
directory is 0700 and the SQLite store, its -wal and -shm are 0600 — from ``init`` on, and for
a store an older version left readable."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.processus import commande, environnement

pytestmark = pytest.mark.usefixtures("isolation")


def _sous_umask(umask: str, *args: str) -> subprocess.CompletedProcess[str]:
    ligne = "umask " + umask + "; exec " + " ".join(f"'{a}'" for a in commande(*args))
    return subprocess.run(
        ["sh", "-c", ligne], capture_output=True, text=True, env=environnement(), check=False
    )


def _mode(chemin: Path) -> int:
    return stat.S_IMODE(chemin.stat().st_mode)


OPERATEUR = ("--nom", "Martin", "--prenom", "Alice", "--email", "alice.martin@caissedesdepots.fr",
             "--telephone-mobile", "0612345678")  # fmt: skip


@pytest.mark.parametrize("umask", ["000", "022"])
def test_init_makes_a_private_data_directory_and_store_whatever_the_umask(umask):
    donnees = Path(os.environ["CPFADMIN_HOME"]) / "data"
    r = _sous_umask(umask, "init", *OPERATEUR)
    assert r.returncode == 0, r.stderr
    assert _mode(donnees) == 0o700
    store = donnees / "cpfadmin.db"
    assert _mode(store) == 0o600
    for suffixe in ("-wal", "-shm"):
        fichier = Path(f"{store}{suffixe}")
        if fichier.exists():
            assert _mode(fichier) == 0o600, suffixe
    # the outgoing mail of the first operator, too
    courrier = donnees / "courrier"
    if courrier.exists():
        assert _mode(courrier) == 0o700
        assert all(_mode(f) == 0o600 for f in courrier.iterdir())


def test_a_store_left_readable_is_made_private_by_the_next_command():
    r = _sous_umask("022", "init", *OPERATEUR)
    assert r.returncode == 0, r.stderr
    store = Path(os.environ["CPFADMIN_HOME"]) / "data" / "cpfadmin.db"
    os.chmod(store, 0o644)
    r = _sous_umask("000", "db", "status")
    assert r.returncode == 0, r.stderr
    assert _mode(store) == 0o600
    assert all(
        _mode(Path(f"{store}{s}")) == 0o600
        for s in ("-wal", "-shm")
        if Path(f"{store}{s}").exists()
    )
