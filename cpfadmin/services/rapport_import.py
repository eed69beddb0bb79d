"""The per-row report of an import, spooled to temporary files: an import may have 100,000
rows, and the report gives each one's outcome (the identifiant to hand over, or the reason it
was rejected)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cpfadmin.domain.errors import Texte, en_json


@dataclass
class LigneRapport:
    ligne: int
    resultat: str  # cree, mis_a_jour, existant, rejete (a_creer, a_mettre_a_jour: dry-run)
    email: str | None = None
    identifiant: str | None = None
    colonne: str | None = None
    raison: Texte | None = None

    def en_dict(self) -> dict[str, Any]:
        """The line as the spool keeps it: the reason's hints as JSON objects, for each front
        end to word (``Import.lignes``)."""
        return {
            "ligne": self.ligne,
            "resultat": self.resultat,
            "identifiant": self.identifiant,
            "email": self.email,
            "colonne": self.colonne,
            "raison": en_json(self.raison),
        }


class JournalRapport:
    """The per-row report, spooled to temporary files (an import may have 100,000 rows):
    one entry per row from the validation pass, then one per written row from the writing
    pass, both in file order, merged when read."""

    def __init__(self) -> None:
        # Closed by fermer(), once the command has rendered the report.
        self._analyse = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._ecriture = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.compteurs: dict[str, int] = {}

    def ajouter(self, ligne: LigneRapport, *, ecriture: bool = False) -> None:
        self.compteurs[ligne.resultat] = self.compteurs.get(ligne.resultat, 0) + 1
        (self._ecriture if ecriture else self._analyse).write(
            json.dumps(ligne.en_dict(), ensure_ascii=False) + "\n"
        )

    def lignes(self) -> Iterator[dict[str, Any]]:
        """Every row of the report in file order: the outcome of the writing pass for the
        rows it wrote, the validation's verdict for the others."""
        for spool in (self._analyse, self._ecriture):
            spool.flush()
            spool.seek(0)
        ecrites = (json.loads(t) for t in self._ecriture)
        for texte in self._analyse:
            entree = json.loads(texte)
            if entree["resultat"] in ("a_creer", "a_mettre_a_jour"):
                ecrite = next(ecrites, None)
                if ecrite is not None:
                    entree = ecrite
            yield entree
        self._analyse.seek(0, 2)
        self._ecriture.seek(0, 2)

    def fermer(self) -> None:
        self._analyse.close()
        self._ecriture.close()
