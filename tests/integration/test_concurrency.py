"""Several cpfadmin processes at once on one store: SQLite's write lock and PostgreSQL's row
locks must serialise them without any of them failing, and the audit chain must come out
whole."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support.processus import cpfadmin, initialiser, lancer, premiere_connexion

PROCESSUS = 8


def _postes(tmp_path: Path, url_base: str, nombre: int) -> list[dict[str, str]]:
    """``nombre`` workstations: each its own cpfadmin home and keyring, all on the same store."""
    postes = []
    for n in range(nombre):
        maison = tmp_path / f"poste-{n}"
        maison.mkdir()
        (maison / "config.toml").write_text("")
        postes.append(
            {
                "CPFADMIN_HOME": str(maison),
                "CPFADMIN_DATABASE_URL": url_base,
                "CPFADMIN_TEST_KEYRING_FILE": str(tmp_path / f"keyring-{n}.json"),
            }
        )
    return postes


def _ensemble(commandes: list[tuple[tuple[str, ...], dict[str, str], str]]) -> list[tuple]:
    """Start every process, let them all reach the point where they wait for stdin, then
    release them together; return (code, stdout, stderr) of each."""
    processus = [lancer(*args, env=env) for args, env, _ in commandes]
    time.sleep(1.5)  # the interpreters start and import cpfadmin meanwhile
    for p, (_, _, entree) in zip(processus, commandes, strict=True):
        assert p.stdin is not None
        p.stdin.write(entree)
        p.stdin.close()
    sorties = []
    for p in processus:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            for q in processus:
                q.kill()
            pytest.fail("un processus cpfadmin ne s'est pas terminé en 60 s")
        assert p.stdout is not None and p.stderr is not None
        sorties.append((p.returncode, p.stdout.read(), p.stderr.read()))
    return sorties


def _evenements(action: str | None = None) -> int:
    args = ("-o", "json", "audit", "list", "--limit", "100000")
    r = cpfadmin(*args, *(("--action", action) if action else ()))
    assert r.code == 0, r
    return len(r.json())


def test_eight_simultaneous_logins_on_one_store_all_succeed(url_base: str, tmp_path: Path) -> None:
    identifiant, temporaire = initialiser()
    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    r = cpfadmin("-o", "json", "audit", "verify")
    assert r.code == 0, r
    avant = r.json()["evenements_verifies"]

    sorties = _ensemble(
        [
            (("login", identifiant, "--password-stdin"), poste, f"{MOT_DE_PASSE_ADMIN}\n")
            for poste in _postes(tmp_path, url_base, PROCESSUS)
        ]
    )
    for code, _, stderr in sorties:
        assert code == 0, stderr
        assert "database is locked" not in stderr.lower()
        assert "Traceback" not in stderr
        assert f"Connecté : {identifiant}" in stderr

    r = cpfadmin("-o", "json", "audit", "verify")
    assert r.code == 0, r
    assert r.json() == {"valide": True, "evenements_verifies": avant + PROCESSUS}
    assert _evenements("connexion_reussie") == 1 + PROCESSUS
    # Every workstation holds a session of its own, and reads it while the others do.
    postes = [
        {
            "CPFADMIN_HOME": str(tmp_path / f"poste-{n}"),
            "CPFADMIN_TEST_KEYRING_FILE": str(tmp_path / f"keyring-{n}.json"),
            "CPFADMIN_DATABASE_URL": url_base,
        }
        for n in range(PROCESSUS)
    ]
    for code, _, stderr in _ensemble([(("me",), poste, "") for poste in postes]):
        assert code == 0, stderr


def test_simultaneous_right_and_wrong_passwords_are_all_audited_in_one_chain(
    url_base: str, tmp_path: Path
) -> None:
    """Four wrong passwords racing with four right ones: every failure is audited, none locks
    the account (fewer than five), and the chain is whole."""
    identifiant, temporaire = initialiser()
    premiere_connexion(identifiant, temporaire, MOT_DE_PASSE_ADMIN)
    avant = _evenements()

    postes = _postes(tmp_path, url_base, PROCESSUS)
    commandes = [
        (
            ("login", identifiant, "--password-stdin"),
            poste,
            f"{MOT_DE_PASSE_ADMIN}\n" if n % 2 == 0 else "Mauvais-Mot-De-Passe-2026!\n",
        )
        for n, poste in enumerate(postes)
    ]
    sorties = _ensemble(commandes)

    codes = sorted(code for code, _, _ in sorties)
    assert codes == [0] * 4 + [3] * 4, [s[2] for s in sorties]
    for _, _, stderr in sorties:
        assert "database is locked" not in stderr.lower()
        assert "Traceback" not in stderr

    r = cpfadmin("-o", "json", "audit", "verify")
    assert r.code == 0, r
    assert r.json()["evenements_verifies"] == avant + PROCESSUS
    assert _evenements("connexion_echec") == 4
    assert _evenements("compte_verrouille") == 0
    # The account is not locked: the right password still opens a session.
    r = cpfadmin("login", identifiant, "--password-stdin", entree=f"{MOT_DE_PASSE_ADMIN}\n")
    assert r.code == 0, r
