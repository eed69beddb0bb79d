"""5. List on a large store: ``gestionnaires list --unite`` against the bare indexed query, as
whole processes, and as a table against JSON."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.magasins import base_pg, store_initialise
from bench.mesures import PYTHON, Mesure, alterner, chemin_programme, chrono, duree_declaree


def bench_liste(comptes: int, n: int, url_pg: str | None) -> list[Mesure]:
    from bench.peupler import peupler  # SQLAlchemy loaded only when this family runs

    mesures = []
    for libelle, url_admin in (("SQLite", None), ("PostgreSQL", url_pg)):
        if libelle == "PostgreSQL" and not url_admin:
            continue
        with tempfile.TemporaryDirectory() as d:
            maison = Path(d)
            fin = None
            url = None
            if url_admin:
                url, fin = base_pg(url_admin)
            try:
                env, _ = store_initialise(maison, url)
                infos = peupler(url or f"sqlite:///{maison / 'data' / 'cpfadmin.db'}", comptes, 20)
                base = url or f"sqlite:///{maison / 'data' / 'cpfadmin.db'}"
                arguments = ["-o", "json", "gestionnaires", "list", "--organisme"]
                arguments += [str(infos["siret"]), "--unite", "Unité 07"]
                brute = [base, str(infos["organisme_id"]), "unité 07"]
                # 1. the target: the command's own work, from its start to its output written
                m, ref = alterner(
                    lambda e=env, a=arguments: duree_declaree("liste_cpf", *a, env=e),
                    lambda c=brute, e=env: duree_declaree("liste_brute", *c, env=e),
                    n,
                )
                # 2. for information: whole processes, start-up and imports included
                m_processus, ref_processus = alterner(
                    lambda e=env, a=arguments: chrono([PYTHON, "-m", "cpfadmin", *a], e),
                    lambda c=brute, e=env: chrono([PYTHON, chemin_programme("liste_brute"), *c], e),
                    n,
                )
                # 3. the same list as a table for a person, against its JSON (points 8 of
                # issue 11): the table is laid out by cpfadmin, not by Rich's Table
                table = [a for a in arguments if a not in ("-o", "json")]
                m_table, ref_json = alterner(
                    lambda e=env, a=table: chrono([PYTHON, "-m", "cpfadmin", *a], e),
                    lambda e=env, a=arguments: chrono([PYTHON, "-m", "cpfadmin", *a], e),
                    n,
                )
            finally:
                if fin:
                    fin()
        mesures.append(
            Mesure(
                f"gestionnaires list --unite en tableau contre JSON ({libelle})",
                m_table,
                ref_json,
                2.0,
                note="la même liste (processus entiers, sortie vers un tube), en tableau pour "
                "une personne contre -o json",
            )
        )
        mesures.append(
            Mesure(
                f"gestionnaires list --unite sur {comptes} comptes ({libelle})",
                m,
                ref,
                3.0,
                note="du début de la commande à son JSON écrit, modules chargés, contre la même "
                "requête SQL indexée par le pilote DB-API (sqlite3 ou psycopg), sans SQLAlchemy, "
                "de la connexion au même JSON écrit ; chaque essai dans un processus neuf",
            )
        )
        mesures.append(
            Mesure(
                f"… la même, processus entiers ({libelle})",
                m_processus,
                ref_processus,
                None,
                note="démarrage de Python et chargement des modules compris : l'écart est pour "
                "l'essentiel l'import de SQLAlchemy et SQLModel (voir la section « Démarrage »)",
            )
        )
    return mesures
