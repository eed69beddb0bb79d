#!/usr/bin/env python3
"""Generate docs/reference.md from the ``--help`` of every cpfadmin command.

    python scripts/generer_reference.py          # rewrite docs/reference.md
    python scripts/generer_reference.py --check  # exit 1 if docs/reference.md is stale

A test runs the check, so a command or option added without regenerating fails the suite.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
FICHIER = RACINE / "docs" / "reference.md"
LARGEUR = "100"


def commandes(groupe, chemin=()):  # type: ignore[no-untyped-def]
    """Every command path, depth first, in the order of the help screens."""
    yield chemin
    for nom, sous in getattr(groupe, "commands", {}).items():
        yield from commandes(sous, (*chemin, nom))


def generer() -> str:
    os.environ.update({"COLUMNS": LARGEUR, "NO_COLOR": "1", "TERM": "dumb"})
    sys.path.insert(0, str(RACINE))
    import typer
    from typer.testing import CliRunner

    from cpfadmin.cli.main import app

    racine = typer.main.get_command(app)
    runner = CliRunner()
    parties = [
        "# Référence des commandes\n",
        "Générée depuis `--help` par `python scripts/generer_reference.py` ; ne pas modifier à la "
        "main (un test vérifie qu'elle est à jour).\n",
    ]
    for chemin in commandes(racine):
        titre = " ".join(("cpfadmin", *chemin))
        resultat = runner.invoke(
            app, [*chemin, "--help"], env={"COLUMNS": LARGEUR, "NO_COLOR": "1", "TERM": "dumb"}
        )
        if resultat.exit_code != 0:
            raise SystemExit(f"{titre} --help a échoué : {resultat.stderr}")
        aide = "\n".join(ligne.rstrip() for ligne in resultat.stdout.strip("\n").splitlines())
        parties.append(f"## `{titre}`\n\n```text\n{aide}\n```\n")
    return "\n".join(parties)


def main() -> int:
    contenu = generer()
    if "--check" in sys.argv:
        actuel = FICHIER.read_text(encoding="utf-8") if FICHIER.exists() else ""
        if actuel != contenu:
            print(
                "docs/reference.md n'est plus à jour : lancez "
                "« python scripts/generer_reference.py ».",
                file=sys.stderr,
            )
            return 1
        return 0
    FICHIER.parent.mkdir(parents=True, exist_ok=True)
    FICHIER.write_text(contenu, encoding="utf-8")
    print(f"{FICHIER.relative_to(RACINE)} écrit.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
