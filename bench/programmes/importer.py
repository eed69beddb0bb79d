"""One import of a file into the store of ``CPFADMIN_HOME`` (or ``CPFADMIN_DATABASE_URL``), by
the first operator already logged in, the unités created as needed.

    python -m bench.programmes.importer FICHIER SIRET

Prints ``{"duree": s, "crees": n, "rss_max_mo": MB}``: the time from opening the file to the
last row written (modules loaded, no start-up, no e-mail delivered) and the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cpfadmin.adapters.fichiers import ouvrir
from cpfadmin.cli.context import Contexte
from cpfadmin.services import imports

if TYPE_CHECKING:
    from cpfadmin.services.acteur import Acteur

URL_PORTAIL = "https://portail"


# Mirrors the application layer's import: to be replaced by a call to it.
def importer_en_deux_passes(ctx: Contexte, acteur: Acteur, fichier: Path, siret: str) -> int:
    """The two passes ``cpfadmin gestionnaires import --create-unites`` runs (see
    ``cpfadmin/cli/gestionnaires.py``): validate every row in a read transaction, then write
    the rows kept, batch by batch; the temporary files removed after. Returns the number of
    accounts created. The only place here that calls ``cpfadmin.services.imports``."""
    source = ouvrir(fichier)
    analyse = ctx.executer(
        lambda uow: imports.analyser(uow, acteur, source, organisme_siret=siret, creer_unites=True),
        lecture=True,
    )
    try:
        resultat = imports.importer(
            ctx.fabrique(),
            ctx.executer,
            acteur,
            analyse,
            ctx.politiques(),
            URL_PORTAIL,
            nom_source=str(fichier),
        )
    finally:
        analyse.valides.unlink(missing_ok=True)
        analyse.rapport.fermer()
    return resultat.crees


def main() -> None:
    fichier, siret = Path(sys.argv[1]), sys.argv[2]
    ctx = Contexte(url_base=os.environ.get("CPFADMIN_DATABASE_URL"))
    acteur = ctx.acteur()
    debut = time.perf_counter()
    crees = importer_en_deux_passes(ctx, acteur, fichier, siret)
    duree = time.perf_counter() - debut
    rss_max_mo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"duree": duree, "crees": crees, "rss_max_mo": rss_max_mo}))


if __name__ == "__main__":
    main()
