"""A real ``cpfadmin serve`` for the tests: a subprocess on a free loopback port, over the
test's own store, stopped at the end of the test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Serveur:
    url: str
    processus: subprocess.Popen[bytes]
    journal: Path
    contexte_ssl: Any = field(default=None, repr=False)

    def requete(
        self,
        methode: str,
        chemin: str,
        corps: Any = None,
        *,
        jeton: str | None = None,
        brut: bytes | None = None,
        entetes: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """One HTTP request: (status, headers, JSON body or None)."""
        donnees = (
            brut
            if brut is not None
            else (json.dumps(corps).encode() if corps is not None else None)
        )
        tous = {"Content-Type": "application/json", **(entetes or {})}
        if jeton:
            tous["Authorization"] = f"Bearer {jeton}"
        demande = urllib.request.Request(
            self.url + chemin, data=donnees, method=methode, headers=tous
        )
        try:
            with urllib.request.urlopen(demande, timeout=30, context=self.contexte_ssl) as r:
                contenu = r.read()
                statut, recus = r.status, dict(r.headers.items())
        except urllib.error.HTTPError as e:
            contenu, statut, recus = e.read(), e.code, dict(e.headers.items())
        try:
            valeur = json.loads(contenu) if contenu else None
        except ValueError:
            valeur = contenu
        return statut, {k.lower(): v for k, v in recus.items()}, valeur

    def lignes_journal(self) -> list[str]:
        return self.journal.read_text(encoding="utf-8", errors="replace").splitlines()

    def arreter(self) -> None:
        if self.processus.poll() is None:
            self.processus.terminate()
            try:
                self.processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.processus.kill()
                self.processus.wait()


def demarrer(
    dossier: Path,
    *options: str,
    env: dict[str, str] | None = None,
    delai: float = 60.0,
    contexte_ssl: Any = None,
) -> Serveur:
    """``cpfadmin serve`` on a free port with the environment of the test (its
    ``CPFADMIN_HOME``, hence its store and mail directory); waits until ``/healthz``
    answers (or the process ends: its log then says why)."""
    port = port_libre()
    journal = dossier / f"serve-{port}.log"
    schema = "https" if "--certfile" in options else "http"
    tout_env = {**os.environ, **(env or {}), "CPFADMIN_SERVE_MAIL_RETRY": "0"}
    tout_env.pop("CPFADMIN_SERVER", None)
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(
            [sys.executable, "-m", "cpfadmin", "serve", "--port", str(port), *options],
            stdout=sortie,
            stderr=subprocess.STDOUT,
            env=tout_env,
        )
    serveur = Serveur(f"{schema}://127.0.0.1:{port}", processus, journal, contexte_ssl)
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus.poll() is not None:
            raise AssertionError(f"cpfadmin serve s'est arrêté : {journal.read_text()}")
        try:
            statut, _, _ = serveur.requete("GET", "/healthz")
            if statut == 200:
                return serveur
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    serveur.arreter()
    raise AssertionError(f"cpfadmin serve ne répond pas : {journal.read_text()}")


LOCALES = {"init", "db", "serve"}


class ClientDistant:
    """The in-process CLI (``lanceur()``) acting through a real ``cpfadmin serve`` over the
    test's store: ``--server URL`` before each command, no database URL in its environment.
    The server starts at the first command that goes through it — after the test's world is
    in place — and stops with ``arreter``. ``init``, ``db`` and ``serve`` stay local."""

    def __init__(self, cli: Any, dossier: Path) -> None:
        self.cli = cli
        self.dossier = dossier
        self.serveur: Serveur | None = None

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        if LOCALES & set(args[:3]) and not any(a.startswith("--server") for a in args):
            return self.cli(*args, input=input, env=env)
        if self.serveur is None:
            self.serveur = demarrer(self.dossier)
        env = {"CPFADMIN_DATABASE_URL": None, **(env or {})}  # type: ignore[dict-item]
        return self.cli("--server", self.serveur.url, *args, input=input, env=env)

    def arreter(self) -> None:
        if self.serveur is not None:
            self.serveur.arreter()
            self.serveur = None
