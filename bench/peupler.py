"""Fill a store with a large organisme, fast (SQLAlchemy Core bulk inserts), for benchmarks.

python bench/peupler.py URL --comptes 100000 --unites 20
"""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, datetime

from sqlalchemy import insert, select

from cpfadmin.domain.identifiant import ALPHABET, LONGUEUR
from cpfadmin.store.engine import creer_moteur
from cpfadmin.store.models import Compte, Organisme, Unite

SIRET_BENCH = "44306184100047"


def peupler(url: str, comptes: int, unites: int, *, siret: str = SIRET_BENCH) -> dict[str, object]:
    moteur = creer_moteur(url)
    maintenant = datetime.now(UTC)
    with moteur.begin() as c:
        organisme_id = c.execute(
            insert(Organisme).returning(Organisme.id),
            {
                "siret": siret,
                "raison_sociale": "Grand Employeur (banc d'essai)",
                "type": "employeur_prive",
                "statut": "actif",
                "cree_le": maintenant,
            },
        ).scalar_one()
        c.execute(
            insert(Unite),
            [
                {
                    "organisme_id": organisme_id,
                    "libelle": f"Unité {i:02d}",
                    "libelle_cle": f"unité {i:02d}",
                    "cree_le": maintenant,
                }
                for i in range(unites)
            ],
        )
        ids_unites = list(
            c.execute(select(Unite.id).where(Unite.organisme_id == organisme_id)).scalars()
        )
        vus: set[str] = set(c.execute(select(Compte.identifiant)).scalars())
        lot: list[dict[str, object]] = []
        for i in range(comptes):
            while True:
                ident = "".join(secrets.choice(ALPHABET) for _ in range(LONGUEUR))
                if ident not in vus:
                    vus.add(ident)
                    break
            nom, prenom = f"Nom{i:06d}", f"Prénom{i % 997}"
            email = f"agent{i:06d}@grand-employeur.fr"
            lot.append(
                {
                    "identifiant": ident,
                    "organisme_id": organisme_id,
                    "nom": nom,
                    "prenom": prenom,
                    "email": email,
                    "email_cle": email,
                    "telephone_mobile": "+33612345678",
                    "unite_id": ids_unites[i % len(ids_unites)],
                    "niveau_habilitation": "gestion",
                    "role": "gestionnaire",
                    "statut": "actif" if i % 10 else "suspendu",
                    "recherche": f"{nom} {prenom} {email} {ident}".lower(),
                    "cree_le": maintenant,
                    "modifie_le": maintenant,
                    "echecs_consecutifs": 0,
                    "verrouillages": 0,
                }
            )
            if len(lot) == 5000:
                c.execute(insert(Compte), lot)
                lot.clear()
        if lot:
            c.execute(insert(Compte), lot)
    moteur.dispose()
    return {"organisme_id": organisme_id, "siret": siret, "unites": unites, "comptes": comptes}


if __name__ == "__main__":
    parseur = argparse.ArgumentParser()
    parseur.add_argument("url")
    parseur.add_argument("--comptes", type=int, default=100_000)
    parseur.add_argument("--unites", type=int, default=20)
    a = parseur.parse_args()
    print(peupler(a.url, a.comptes, a.unites))
