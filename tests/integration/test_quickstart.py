"""The README's first command, ``./scripts/quickstart``, as a newcomer runs it on a fresh clone:
it installs cpfadmin in a virtual environment of its own, walks the guide's story, and ends by
saying how to put ``cpfadmin`` on the PATH (issue 11, point 17)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RACINE

# The real user's pip cache (HOME is the test's own once the isolation fixture runs).
CACHE_PIP = os.environ.get("PIP_CACHE_DIR") or str(Path("~/.cache/pip").expanduser())


def _clone(cible: Path) -> Path:
    """The work tree as a fresh clone has it: the files git knows, no .venv, no caches."""
    fichiers = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=RACINE, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for nom in filter(None, fichiers):
        source = RACINE / nom
        if source.is_file():
            (cible / nom).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, cible / nom)
    return cible


@pytest.mark.slow
def test_quickstart_walks_the_story_on_a_fresh_clone_and_says_how_to_use_cpfadmin(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git absent")
    clone = _clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CPFADMIN_", "PYTHON_KEYRING"))}
    env["PIP_CACHE_DIR"] = CACHE_PIP
    env.pop("PYTHONPATH", None)
    fini = subprocess.run(
        ["bash", "scripts/quickstart"], cwd=clone, env=env, capture_output=True, text=True,
        timeout=900, check=False,
    )  # fmt: skip
    assert fini.returncode == 0, fini.stdout[-3000:] + fini.stderr[-3000:]
    sortie = fini.stdout
    assert "Traceback" not in sortie + fini.stderr
    for etape in (
        "1. Initialisation",
        "8. Première connexion de l'administratrice",
        "14. Déconnexion",
    ):
        assert etape in sortie, sortie
    dernieres = sortie.strip().splitlines()[-3:]
    assert dernieres[0].startswith("Quick-start terminé.")
    assert dernieres[1] == "Pour utiliser cpfadmin dans ce terminal : source .venv/bin/activate"
    assert (clone / ".venv" / "bin" / "cpfadmin").exists()
    assert any((clone / ".quickstart" / "data" / "courrier").glob("*.eml"))
