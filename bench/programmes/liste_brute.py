"""The list's reference: the same indexed SQL query by the DB-API driver (sqlite3 or psycopg),
without SQLAlchemy, from the connection to the same JSON written; the time on stderr.
Arguments: the store's URL, the organisme's id, the unité's key."""

import json
import sqlite3
import sys
import time

REQUETE = (
    "SELECT c.identifiant, c.nom, c.prenom, c.email, c.telephone_fixe, c.telephone_mobile,"
    " o.siret AS organisme_siret, u.libelle AS unite, c.niveau_habilitation, c.role, c.statut,"
    " c.cree_le FROM compte c JOIN organisme o ON o.id = c.organisme_id"
    " JOIN unite u ON u.id = c.unite_id"
    " WHERE c.organisme_id = {p} AND u.libelle_cle = {p} ORDER BY c.nom, c.prenom, c.id"
)


def main() -> None:
    import psycopg

    debut = time.perf_counter()
    url, organisme_id, libelle_cle = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if url.startswith("sqlite"):
        connexion = sqlite3.connect(url.removeprefix("sqlite:///"))
        curseur = connexion.execute(REQUETE.format(p="?"), (organisme_id, libelle_cle))
    else:
        connexion = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        curseur = connexion.execute(REQUETE.format(p="%s"), (organisme_id, libelle_cle))
    noms = [d[0] for d in curseur.description]
    lignes = [dict(zip(noms, r, strict=True)) for r in curseur]
    sys.stdout.write(json.dumps(lignes, ensure_ascii=False, indent=2, default=str))
    sys.stdout.flush()
    sys.stderr.write(f"\nDUREE={time.perf_counter() - debut}\n")


if __name__ == "__main__":
    main()
