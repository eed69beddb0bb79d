"""The reference for ``gestionnaires list --unite``: the same indexed SQL query through the bare
DB-API driver (sqlite3 or psycopg), no SQLAlchemy, from the connection to the same JSON written.

    python -m bench.programmes.liste_brute URL ORGANISME_ID LIBELLE_CLE

Writes the JSON on stdout; the time, modules loaded, as a last ``DUREE=`` line on stderr.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from typing import Any

import psycopg

REQUETE = (
    "SELECT c.identifiant, c.nom, c.prenom, c.email, c.telephone_fixe, c.telephone_mobile,"
    " o.siret AS organisme_siret, u.libelle AS unite, c.niveau_habilitation, c.role, c.statut,"
    " c.cree_le FROM compte c JOIN organisme o ON o.id = c.organisme_id"
    " JOIN unite u ON u.id = c.unite_id"
    " WHERE c.organisme_id = {p} AND u.libelle_cle = {p} ORDER BY c.nom, c.prenom, c.id"
)


def main() -> None:
    debut = time.perf_counter()
    url, organisme_id, libelle_cle = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    curseur: Any
    if url.startswith("sqlite"):
        connexion = sqlite3.connect(url.removeprefix("sqlite:///"))
        curseur = connexion.execute(REQUETE.format(p="?"), (organisme_id, libelle_cle))
    else:
        connexion_pg = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        curseur = connexion_pg.execute(REQUETE.format(p="%s"), (organisme_id, libelle_cle))
    noms = [d[0] for d in curseur.description]
    lignes = [dict(zip(noms, r, strict=False)) for r in curseur]
    sys.stdout.write(json.dumps(lignes, ensure_ascii=False, indent=2, default=str))
    sys.stdout.flush()
    sys.stderr.write(f"\nDUREE={time.perf_counter() - debut}\n")


if __name__ == "__main__":
    main()
