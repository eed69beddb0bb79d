"""3. Import: a CSV import against a raw Core insert of the same rows (SQLite, PostgreSQL), and
the peak memory of an import as it grows."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.magasins import base_pg, cpf, preparer_import
from bench.mesures import Mesure, sortie_json


def fichier_csv(chemin: Path, lignes: int) -> None:
    with chemin.open("w", encoding="utf-8") as f:
        f.write(
            "nom;prenom;email;telephone_fixe;telephone_mobile;unite;niveau_habilitation;administrateur_delegue\n"
        )
        for i in range(lignes):
            f.write(
                f"Lefèvre{i};Hélène;agent{i}@employeur.fr;;06 12 34 {i // 100 % 100:02d} {i % 100:02d};"
                f"Unité {i % 20};gestion;non\n"
            )


def importer_une_fois(lignes: int, url_admin: str | None) -> tuple[float, float, float]:
    """(import seconds, raw insert seconds, peak RSS MB) for one fresh store."""
    with tempfile.TemporaryDirectory() as d:
        maison = Path(d)
        nettoyages = []
        url = url_brut = None
        if url_admin:
            url, fin = base_pg(url_admin)
            url_brut, fin2 = base_pg(url_admin)
            nettoyages += [fin, fin2]
        try:
            env, siret = preparer_import(maison, url)
            fichier = maison / "agents.csv"
            fichier_csv(fichier, lignes)
            sortie = lancer_import(env, fichier, siret, lignes)
            # The baseline: a raw Core bulk insert of the same final rows into an empty store of
            # the same schema.
            url_source = url or f"sqlite:///{maison / 'data' / 'cpfadmin.db'}"
            if url_brut is None:
                url_brut = f"sqlite:///{maison / 'brut.db'}"
            env_brut = dict(env, CPFADMIN_DATABASE_URL=url_brut)
            cpf(env_brut, "db", "upgrade")
            brut = sortie_json("brut", url_source, url_brut, env=env)
            return sortie["duree"], brut["duree"], sortie["rss_max_mo"]
        finally:
            for f in nettoyages:
                f()


def bench_import(lignes: int, n: int, url_pg: str | None) -> list[Mesure]:
    mesures = []
    for libelle, url in (("SQLite", None), ("PostgreSQL", url_pg)):
        if libelle == "PostgreSQL" and not url:
            continue
        essais = [importer_une_fois(lignes, url) for _ in range(n)]
        m = statistics.median(e[0] for e in essais)
        ref = statistics.median(e[1] for e in essais)
        mesures.append(
            Mesure(
                f"import de {lignes} lignes ({libelle})",
                m,
                ref,
                5.0,
                note="référence : insertion brute SQLAlchemy Core des mêmes comptes, "
                "événements d'audit et messages dans le même schéma",
            )
        )
    return mesures


def bench_memoire(petit: int, grand: int) -> list[Mesure]:
    rss_petit = importer_une_fois(petit, None)[2]
    rss_grand = importer_une_fois(grand, None)[2]
    return [
        Mesure(
            f"mémoire de pointe, import de {petit} → {grand} lignes",
            rss_grand - rss_petit,
            rss_petit,
            50.0,
            unite="Mo",
            note=f"croissance du pic RSS : {rss_petit:.0f} Mo → {rss_grand:.0f} Mo (cible : < 50 Mo)",
        )
    ]


def pic_import(maison: Path, fichier: Path, lignes: int) -> float:
    """Peak RSS (MB) of one import of ``fichier`` into a fresh store, as bench_memoire."""
    env, siret = preparer_import(maison, None)
    return lancer_import(env, fichier, siret, lignes)["rss_max_mo"]


def lancer_import(env: dict[str, str], fichier: Path, siret: str, lignes: int) -> dict[str, Any]:
    """One run of the importer program: its JSON (time, peak RSS), every row created."""
    sortie = sortie_json("importer", str(fichier), siret, env=env)
    assert sortie["crees"] == lignes, sortie
    return sortie
