"""The in-process call a ``GET /api/v1/moi`` wraps: ``Application.moi.profil(jeton)`` on the
same store, as the server calls it (the policy read once per call, as once per request),
timed ``N`` times after a warm-up; prints the median in seconds as JSON.

    python -m bench.programmes.moi_en_processus JETON N
"""

import json
import statistics
import sys
import time

from cpfadmin.application import Application
from cpfadmin.application.noyau import portee_requete


def appel(app: Application, jeton: str) -> None:
    portee = portee_requete.set({})
    try:
        app.moi.profil(jeton)
    finally:
        portee_requete.reset(portee)


def main() -> None:
    jeton, n = sys.argv[1], int(sys.argv[2])
    app = Application(politiques_en_cache=False)
    appel(app, jeton)
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        appel(app, jeton)
        durees.append(time.perf_counter() - debut)
    print(json.dumps({"duree": statistics.median(durees)}))


if __name__ == "__main__":
    main()
