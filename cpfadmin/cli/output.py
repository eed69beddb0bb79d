"""Rendering results: a table for people, JSON or CSV for scripts. Data go to stdout; messages,
warnings and errors to stderr."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from cpfadmin.adapters.fichiers import neutraliser

FORMATS = ("table", "json", "csv")


def _json_defaut(valeur: Any) -> Any:
    if isinstance(valeur, datetime):
        return valeur.isoformat()
    if isinstance(valeur, Enum):
        return valeur.value
    return str(valeur)


def en_json(donnees: Any) -> str:
    """A record indented; a list one record per line — json's C encoder only runs without
    ``indent``, and a list may hold 100,000 accounts."""
    if isinstance(donnees, list):
        if not donnees:
            return "[]"
        lignes = (json.dumps(e, ensure_ascii=False, default=_json_defaut) for e in donnees)
        return "[\n  " + ",\n  ".join(lignes) + "\n]"
    return json.dumps(donnees, ensure_ascii=False, indent=2, default=_json_defaut)


def _texte(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return valeur.astimezone().strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(valeur, Enum):
        return str(valeur.value)
    if isinstance(valeur, dict):
        return ", ".join(f"{k}={_texte(v)}" for k, v in valeur.items())
    if isinstance(valeur, list):
        return ", ".join(_texte(v) for v in valeur)
    return str(valeur)


def afficher(
    donnees: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    format_: str,
    *,
    colonnes: Sequence[tuple[str, str]] | None = None,
    titre: str | None = None,
) -> None:
    """Print a record (mapping) or a list of records. ``colonnes`` = (key, header) pairs for
    tables and CSV; JSON always carries every key."""
    if format_ == "json":
        sys.stdout.write(en_json(donnees) + "\n")
        return
    lignes = [donnees] if isinstance(donnees, Mapping) else list(donnees)
    if colonnes is None:
        cles: list[str] = []
        for ligne in lignes:
            cles.extend(k for k in ligne if k not in cles)
        colonnes = [(k, k) for k in cles]
    if format_ == "csv":
        ecrivain = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        ecrivain.writerow([cle for cle, _ in colonnes])
        for ligne in lignes:
            ecrivain.writerow([neutraliser(_texte(ligne.get(cle))) for cle, _ in colonnes])
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=False)
    if isinstance(donnees, Mapping):
        table = Table(show_header=False, title=titre, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for cle, entete in colonnes:
            table.add_row(entete, _texte(donnees.get(cle)))
    else:
        table = Table(title=titre)
        for _, entete in colonnes:
            table.add_column(entete)
        for ligne in lignes:
            table.add_row(*(_texte(ligne.get(cle)) for cle, _ in colonnes))
    console.print(table)
