"""1. Start-up: ``cpfadmin --help`` against a minimal Typer application."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.magasins import environnement
from bench.mesures import PYTHON, Mesure, alterner, chemin_programme, chrono


def bench_aide(n: int) -> list[Mesure]:
    with tempfile.TemporaryDirectory() as d:
        maison = Path(d)
        env = environnement(maison)
        minimale = chemin_programme("minimale")
        mesures = []
        for args in (["--help"], ["gestionnaires", "--help"]):
            m, ref = alterner(
                lambda a=args: chrono([PYTHON, "-m", "cpfadmin", *a], env),
                lambda a=args: chrono(
                    [PYTHON, minimale, *(["a", "--help"] if len(a) > 1 else ["--help"])], env
                ),
                n,
            )
            mesures.append(
                Mesure(
                    f"cpfadmin {' '.join(args)}",
                    m,
                    ref,
                    1.3,
                    note="référence : application Typer minimale à cinq groupes vides",
                )
            )
        return mesures
