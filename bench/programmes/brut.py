"""The import's reference: a raw SQLAlchemy Core bulk insert, into an empty store of the same
schema, of the rows an import wrote (accounts, their audit events, their messages).

    python -m bench.programmes.brut URL_SOURCE URL_CIBLE

Reads the rows from the imported store, inserts the organismes and unités the import found in
place (not timed), then the accounts, events and messages in one transaction (timed). Prints
``{"duree": s, "lignes": n}``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from cpfadmin.store.engine import creer_moteur
from cpfadmin.store.models import Compte, EvenementAudit, Message, Organisme, Unite


def lire(c: Connection, requete: Select[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in c.execute(requete)]


def main() -> None:
    source_url, cible_url = sys.argv[1], sys.argv[2]
    source, cible = creer_moteur(source_url), creer_moteur(cible_url)
    with source.connect() as c:
        organismes = lire(c, select(Organisme.__table__))
        unites = lire(c, select(Unite.__table__))
        comptes = lire(c, select(Compte.__table__).where(Compte.role != "administrateur_principal"))
        evenements = lire(
            c, select(EvenementAudit.__table__).where(EvenementAudit.action == "compte_cree")
        )
        messages = lire(c, select(Message.__table__))
    with cible.begin() as c:  # what the import found in place: not timed
        c.execute(insert(Organisme.__table__), organismes)
        c.execute(insert(Unite.__table__), unites)
    debut = time.perf_counter()
    with cible.begin() as c:
        c.execute(insert(Compte.__table__), comptes)
        c.execute(insert(EvenementAudit.__table__), evenements)
        c.execute(insert(Message.__table__), messages)
    print(json.dumps({"duree": time.perf_counter() - debut, "lignes": len(comptes)}))


if __name__ == "__main__":
    main()
