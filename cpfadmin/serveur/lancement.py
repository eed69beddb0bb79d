"""Running ``cpfadmin serve``: the exposure rules (TLS, or loopback only), the store checked
before the first request, uvicorn with one worker or several, the JSON access log on stderr and
the periodic retry of queued mail."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpfadmin.application.distante import est_local
from cpfadmin.domain.errors import (
    BaseAMettreAJour,
    Commande,
    DonneeInvalide,
    Option,
    StockageIndisponible,
)

RELANCE_COURRIER_SECONDES = 60.0


@dataclass(frozen=True)
class Reglages:
    hote: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    certfile: Path | None = None
    keyfile: Path | None = None
    forwarded_allow_ips: str | None = None
    insecure_http: bool = False
    taille_max_mo: int = 50
    delai_requete: float = 30.0  # seconds (SPEC §8 "request time limits")
    delai_import: float = 3600.0


def exiger_composants() -> None:
    """FastAPI and uvicorn come with the ``serveur`` extra: say so instead of a traceback."""
    import importlib.util

    manquants = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if manquants:
        raise StockageIndisponible(
            f"cpfadmin serve demande {' et '.join(manquants)}, absents de cette installation.",
            suggestion="pip install 'cpfadmin[serveur]'",
        )


def verifier_exposition(r: Reglages) -> str | None:
    """Refuse what would expose tokens and passwords in clear (SPEC §8); the warning to give
    when ``--insecure-http`` lifts the rule."""
    if (r.certfile is None) != (r.keyfile is None):
        raise DonneeInvalide(
            (Option("certfile"), " et ", Option("keyfile"), " vont ensemble : donnez les deux."),
            champ="certfile",
        )
    for fichier, nom in ((r.certfile, "certfile"), (r.keyfile, "keyfile")):
        if fichier is not None and not fichier.is_file():
            raise DonneeInvalide((Option(nom), f" : fichier introuvable ({fichier})."), champ=nom)
    if not 1 <= r.workers <= 64:
        raise DonneeInvalide((Option("workers"), " : entre 1 et 64."), champ="workers")
    if not 0 <= r.port <= 65535:
        raise DonneeInvalide((Option("port"), " : entre 0 et 65535."), champ="port")
    if r.certfile is not None or est_local(r.hote):
        return None
    if not r.insecure_http:
        raise DonneeInvalide(
            (
                f"Refus d'écouter en HTTP clair sur {r.hote} : jetons et mots de passe "
                "circuleraient en clair sur le réseau. Donnez ",
                Option("certfile"),
                " et ",
                Option("keyfile"),
                ", écoutez sur 127.0.0.1 derrière un mandataire TLS (",
                Option("forwarded_allow_ips"),
                "), ou forcez avec ",
                Option("insecure_http"),
                ".",
            ),
            champ="host",
        )
    return (
        f"HTTP clair sur {r.hote} (--insecure-http) : jetons et mots de passe circulent sans "
        "chiffrement entre les clients et ce serveur."
    )


def verifier_base(profil_nom: str | None, url_base: str | None) -> dict[str, Any]:
    """The store answers and its schema is at head, before anyone is told the server runs."""
    from cpfadmin.application import Application

    etat = Application(profil_nom, url_base).base.etat()
    if not etat["a_jour"]:
        raise BaseAMettreAJour(
            f"Le schéma de la base ({etat['base']}) n'est pas à jour.",
            suggestion=Commande("db upgrade"),
        )
    return etat


CONFIG_JOURNAUX: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "brut": {"format": "%(message)s"},
        "serveur": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "acces": {
            "class": "logging.StreamHandler",
            "formatter": "brut",
            "stream": "ext://sys.stderr",
        },
        "serveur": {
            "class": "logging.StreamHandler",
            "formatter": "serveur",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "cpfadmin.acces": {"handlers": ["acces"], "level": "INFO", "propagate": False},
        "cpfadmin.serveur": {"handlers": ["serveur"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["serveur"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}


def servir(
    r: Reglages,
    *,
    profil_nom: str | None,
    url_base: str | None,
    annoncer: Callable[[str], None],
) -> None:
    """Run until interrupted (SIGINT/SIGTERM: uvicorn finishes the requests under way)."""
    import uvicorn

    # The workers build their application from the environment (``app.fabrique``).
    if profil_nom:
        os.environ["CPFADMIN_PROFILE"] = profil_nom
    if url_base:
        os.environ["CPFADMIN_DATABASE_URL"] = url_base
    os.environ["CPFADMIN_SERVE_MAX_UPLOAD"] = str(r.taille_max_mo * 1024 * 1024)
    os.environ["CPFADMIN_SERVE_REQUEST_TIMEOUT"] = str(r.delai_requete)
    os.environ["CPFADMIN_SERVE_IMPORT_TIMEOUT"] = str(r.delai_import)
    schema = "https" if r.certfile else "http"
    annoncer(
        f"cpfadmin serve : {schema}://{_hote_url(r.hote)}:{r.port}/api/v1/ "
        f"({r.workers} processus) ; Ctrl-C pour arrêter."
    )
    uvicorn.run(
        "cpfadmin.serveur.app:fabrique",
        factory=True,
        host=r.hote,
        port=r.port,
        workers=r.workers,
        ssl_certfile=str(r.certfile) if r.certfile else None,
        ssl_keyfile=str(r.keyfile) if r.keyfile else None,
        proxy_headers=r.forwarded_allow_ips is not None,
        forwarded_allow_ips=r.forwarded_allow_ips or "127.0.0.1",
        server_header=False,
        access_log=False,
        log_config=CONFIG_JOURNAUX,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        h11_max_incomplete_event_size=16 * 1024,
    )


def _hote_url(hote: str) -> str:
    return f"[{hote}]" if ":" in hote and not hote.startswith("[") else hote


def relancer_courrier(app: Any, arret: threading.Event, periode: float) -> threading.Thread:
    """Every ``periode`` seconds, the messages whose retry time has come (SPEC §8: a client
    never needs the mail transport)."""
    import logging

    journal = logging.getLogger("cpfadmin.serveur")

    def boucle() -> None:
        while not arret.wait(periode):
            try:
                rapport = app.courrier.relancer()
            except Exception as e:  # the loop must outlive a transport or store outage
                journal.warning("relance du courrier impossible : %s", e)
                continue
            if rapport.get("echecs"):
                journal.warning(
                    "relance du courrier : %d échec(s), %d en attente",
                    len(rapport["echecs"]),
                    rapport.get("en_attente", 0),
                )

    fil = threading.Thread(target=boucle, name="cpfadmin-courrier", daemon=True)
    fil.start()
    return fil
