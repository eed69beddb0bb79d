"""An employer registered by the operator, its principal admin logged in: the world of the
import and export tests (the fixtures are in ``tests/cli/conftest.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.console import SIRET_EMPLOYEUR, Console
from tests.support.tableurs import comptes_en_base

ADRESSE_AP = "chloe.bernard@lumiere.example"


@dataclass
class Employeur:
    """An employer registered by the operator, its principal admin logged in."""

    console: Console
    url: str
    op: str  # the operator's session token
    ap: str  # the principal admin's identifiant
    jeton_ap: str
    dossier: Path

    def importer(
        self, source: Path | str, *options: str, jeton: str | None = None, input: Any = None
    ) -> Any:
        """``gestionnaires import`` as the principal admin (or ``jeton``), in a table."""
        return self.console(
            "gestionnaires", "import", str(source), *options,
            jeton=jeton or self.jeton_ap, input=input,
        )  # fmt: skip

    def importer_json(
        self, source: Path | str, *options: str, jeton: str | None = None, input: Any = None
    ) -> tuple[Any, dict[str, Any]]:
        """``-o json gestionnaires import``: the result and its JSON report."""
        r = self.console(
            "-o", "json", "gestionnaires", "import", str(source), *options,
            jeton=jeton or self.jeton_ap, input=input,
        )  # fmt: skip
        assert r.exit_code in (0, 7), (r.exit_code, r.stdout, r.stderr)
        assert r.stdout, f"no report on stdout, exit {r.exit_code}: {r.stderr}"
        return r, json.loads(r.stdout)

    def importes(self, siret: str = SIRET_EMPLOYEUR) -> dict[str, dict[str, Any]]:
        """The accounts of the organisme but its principal admin, by e-mail."""
        return {
            c["email"]: c
            for c in comptes_en_base(self.url, siret)
            if c["identifiant"] != self.ap and c["email"] != ADRESSE_AP
        }

    def fichier(self, nom: str) -> Path:
        return self.dossier / nom


def par_ligne(rapport: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {ligne["ligne"]: ligne for ligne in rapport["lignes"]}
