"""One import of a file into the store of ``CPFADMIN_HOME`` (or ``CPFADMIN_DATABASE_URL``), by
the first operator already logged in, the unités created as needed — through the application
layer, as ``cpfadmin gestionnaires import --create-unites`` runs it.

    python -m bench.programmes.importer FICHIER SIRET

Prints ``{"duree": s, "crees": n, "rss_max_mo": MB}``: the time from the call to the last row
written (both passes; modules loaded, no start-up; the temporary passwords left queued, as the
raw insert it is compared with queues them) and the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

from cpfadmin.application import Application


def main() -> None:
    fichier, siret = sys.argv[1], sys.argv[2]
    app = Application(url_base=os.environ.get("CPFADMIN_DATABASE_URL"))
    stocke = app.jetons().lire()
    assert stocke is not None, "aucune session : le magasin du banc n'est pas prêt"
    debut = time.perf_counter()
    with app.importation.importer(
        stocke.jeton, fichier, organisme=siret, creer_unites=True, livrer=False
    ) as resultat:
        duree = time.perf_counter() - debut
        crees = resultat.entete["resume"]["crees"]
    rss_max_mo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"duree": duree, "crees": crees, "rss_max_mo": rss_max_mo}))


if __name__ == "__main__":
    main()
