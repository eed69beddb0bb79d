"""What a benchmark measures with: a measure against its baseline, timing helpers and the
runners of the programs under ``bench/programmes/``."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
PROGRAMMES = RACINE / "bench" / "programmes"
PYTHON = sys.executable


@dataclass
class Mesure:
    nom: str
    mesure: float  # seconds (or MB for memory)
    reference: float
    cible: float | None  # None: shown for information, no target of its own
    unite: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.mesure / self.reference if self.reference else float("inf")

    @property
    def atteint(self) -> bool:
        if self.cible is None:
            return True
        return self.ratio <= self.cible if self.unite == "s" else self.mesure < self.cible

    @property
    def verdict(self) -> str:
        if self.cible is None:
            return "(information)"
        return "oui" if self.atteint else "**non**"


def chrono(commande: list[str], env: dict[str, str], entree: bytes | None = None) -> float:
    debut = time.perf_counter()
    r = subprocess.run(commande, env=env, input=entree, capture_output=True)
    duree = time.perf_counter() - debut
    if r.returncode != 0:
        raise SystemExit(f"échec de {' '.join(commande)} : {r.stderr.decode()[-500:]}")
    return duree


def alterner(a: Callable[[], float], b: Callable[[], float], n: int) -> tuple[float, float]:
    """Median of ``n`` runs of each, interleaved a, b, a, b… after one warm-up of each."""
    a(), b()
    xa, xb = [], []
    for _ in range(n):
        xa.append(a())
        xb.append(b())
    return statistics.median(xa), statistics.median(xb)


def programme(nom: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``bench/programmes/<nom>.py`` as ``python -m bench.programmes.<nom> ARGS…``, the
    checkout first on its ``PYTHONPATH`` so that it imports ``bench`` and ``cpfadmin`` whatever
    the current directory; exits with the end of its stderr if it fails."""
    chemins = [str(RACINE), *filter(None, [env.get("PYTHONPATH")])]
    r = subprocess.run(
        [PYTHON, "-m", f"bench.programmes.{nom}", *args],
        env=dict(env, PYTHONPATH=os.pathsep.join(chemins)),
        capture_output=True,
    )
    if r.returncode != 0:
        raise SystemExit(f"échec de bench.programmes.{nom} : {r.stderr.decode()[-800:]}")
    return r


def sortie_json(nom: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """The JSON a program of ``bench/programmes/`` prints."""
    return json.loads(programme(nom, *args, env=env).stdout)


def duree_declaree(nom: str, *args: str, env: dict[str, str]) -> float:
    """The time a program of ``bench/programmes/`` reports (a last ``DUREE=`` line on stderr)."""
    return float(programme(nom, *args, env=env).stderr.decode().rsplit("DUREE=", 1)[1])


def chemin_programme(nom: str) -> str:
    """The path of ``bench/programmes/<nom>.py``, for a reference timed as a whole process and
    run by path like the script it stands for."""
    return str(PROGRAMMES / f"{nom}.py")
