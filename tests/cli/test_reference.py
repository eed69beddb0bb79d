import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]


def test_the_command_reference_matches_the_cli():
    r = subprocess.run(
        [sys.executable, str(RACINE / "scripts" / "generer_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr


def test_every_command_help_has_an_example():
    texte = (RACINE / "docs" / "reference.md").read_text(encoding="utf-8")
    sections = texte.split("\n## `")[1:]
    sans_exemple = [s.split("`")[0] for s in sections if "Exemple" not in s]
    assert sans_exemple == []
