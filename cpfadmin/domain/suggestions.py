"""Did-you-mean for values, as Click does for commands: the closest existing values to what
someone typed (an unité, a rôle, a statut, an organisme type, a niveau, an audit action)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from cpfadmin.domain.validation import replier


def proches(saisie: str, valeurs: Iterable[str], *, n: int = 3, seuil: float = 0.6) -> list[str]:
    """The values closest to ``saisie`` (compared without case nor accents), best first."""
    valeurs = list(valeurs)
    par_cle: dict[str, str] = {}
    for v in valeurs:
        par_cle.setdefault(replier(v), v)
    cle = replier(saisie.strip())
    trouves = difflib.get_close_matches(cle, list(par_cle), n=n, cutoff=seuil)
    if not trouves:
        # A prefix or a part of a value ("paie" for « Service paie »).
        trouves = [k for k in par_cle if cle and (k.startswith(cle) or cle in k)][:n]
    return [par_cle[k] for k in trouves]


def vouliez_vous_dire(saisie: str, valeurs: Iterable[str]) -> str | None:
    """« vouliez-vous dire « Service paie » ? » (or two or three values), or None."""
    trouves = proches(saisie, valeurs)
    if not trouves:
        return None
    noms = [f"« {v} »" for v in trouves]
    liste = noms[0] if len(noms) == 1 else ", ".join(noms[:-1]) + " ou " + noms[-1]
    return f"vouliez-vous dire {liste} ?"
