"""One import through the application layer, as ``gestionnaires import`` runs it, timed from
the call to the rows written (both passes; the temporary passwords stay queued, as the raw
insert it is compared with queues them): prints its JSON (time, rows created, peak RSS).

Arguments: the file, the organisme's SIRET; the store and the session are the profile's."""

import json
import os
import resource
import sys
import time

from cpfadmin.application import Application


def main() -> None:
    fichier, siret = sys.argv[1], sys.argv[2]
    app = Application(url_base=os.environ.get("CPFADMIN_DATABASE_URL"))
    jeton = app.jetons().lire().jeton  # type: ignore[union-attr]
    debut = time.perf_counter()
    with app.importation.importer(
        jeton, fichier, organisme=siret, creer_unites=True, livrer=False
    ) as resultat:
        duree = time.perf_counter() - debut
        crees = resultat.entete["resume"]["crees"]
    print(
        json.dumps(
            {
                "duree": duree,
                "crees": crees,
                "rss_max_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
