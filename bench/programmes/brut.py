"""The import's reference: the same accounts, audit events and messages copied by a raw
SQLAlchemy Core insert into the same schema (what an import found in place, organisme and
unités, is copied first, untimed). Arguments: the source store's URL, the target's."""

import json
import sys
import time

from sqlalchemy import insert, select

from cpfadmin.store.engine import creer_moteur
from cpfadmin.store.models import Compte, EvenementAudit, Message, Organisme, Unite


def main() -> None:
    source_url, cible_url = sys.argv[1], sys.argv[2]
    source, cible = creer_moteur(source_url), creer_moteur(cible_url)

    def lire(c, requete):  # type: ignore[no-untyped-def]
        return [dict(r._mapping) for r in c.execute(requete)]

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
