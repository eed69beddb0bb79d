"""Failures on purpose: a throwaway PostgreSQL 15 cluster of the test's own (to stop in the
middle of a command without touching the shared server), a process that writes with the
permissions of an ordinary user even when the suite runs as root, locks held by the test to
stop processes at a chosen point (to make them race, or to crash the server under them), and
the checks that a store came out of a failure whole: every account with its ``compte_cree``
event and its e-mail, and nothing else."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests.support.base import lignes, url_sqlalchemy

BINAIRES_POSTGRES = Path(os.environ.get("CPFADMIN_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))

# What a user must never read, whatever goes wrong underneath.
MOTS_INTERDITS = ("database is locked", "could not serialize", "deadlock", "traceback")


# --- the store, read behind cpfadmin's back --------------------------------------------------
def comptes_de(url: str, siret: str) -> list[tuple[int, str, str]]:
    """(id, identifiant, email) of every account of the organisme, by id."""
    sql = (
        "SELECT c.id, c.identifiant, c.email FROM compte c "
        "JOIN organisme o ON o.id = c.organisme_id WHERE o.siret = :siret ORDER BY c.id"
    )
    return [(i, ident, email) for i, ident, email in lignes(url, sql, siret=siret)]


def comptes_entiers(url: str, siret: str) -> list[tuple[int, str, str]]:
    """Assert that no account of the organisme is half-created: each has exactly one
    ``compte_cree`` event and exactly one e-mail (queued or sent); no such event and no e-mail
    lacks its account; no identifiant and no e-mail appears twice. Returns the accounts."""
    comptes = comptes_de(url, siret)
    identifiants = [c[1] for c in comptes]
    doublons = [i for i, n in Counter(identifiants).items() if n > 1]
    assert not doublons, f"identifiants en double : {doublons}"
    courriels = Counter(c[2].lower() for c in comptes)
    assert all(n == 1 for n in courriels.values()), [e for e, n in courriels.items() if n > 1]

    evenements = Counter(
        cible
        for (cible,) in lignes(
            url,
            "SELECT cible FROM evenement_audit WHERE action = 'compte_cree' AND organisme = :s",
            s=siret,
        )
    )
    assert evenements == Counter(identifiants), (
        "compte sans son événement compte_cree, ou événement sans compte : "
        f"{sorted((evenements - Counter(identifiants)) + (Counter(identifiants) - evenements))}"
    )

    ids = {c[0] for c in comptes}
    tous = {r[0] for r in lignes(url, "SELECT id FROM compte")}
    par_compte: Counter[int] = Counter()
    for compte_id, statut in lignes(url, "SELECT compte_id, statut FROM message"):
        assert compte_id in tous, f"message sans compte ({compte_id})"
        if compte_id in ids:
            assert statut in ("en_attente", "envoye"), statut
            par_compte[compte_id] += 1
    sans = sorted(ids - set(par_compte))
    assert not sans, f"{len(sans)} compte(s) sans leur e-mail"
    assert all(n == 1 for n in par_compte.values()), "e-mail en double"
    return comptes


def chaine_audit(url: str) -> tuple[int, int]:
    """(number of events, head seq): a whole chain has seq 1..n and its head at n."""
    n, maximum = lignes(url, "SELECT COUNT(*), MAX(seq) FROM evenement_audit")[0]
    (tete,) = lignes(url, "SELECT seq FROM tete_audit WHERE id = 1")[0]
    assert n == maximum == tete, f"chaîne trouée : {n} événements, seq max {maximum}, tête {tete}"
    return n, tete


def sortie_propre(code: int, stderr: str, *, attendu: int = 0) -> None:
    assert code == attendu, f"code {code} (attendu {attendu})\n{stderr}"
    bas = stderr.lower()
    for mot in MOTS_INTERDITS:
        assert mot not in bas, f"« {mot} » a atteint l'utilisateur :\n{stderr}"


def une_ligne_francaise(stderr: str) -> str:
    """A failure is one line, « Erreur : … », and no traceback."""
    assert "Traceback" not in stderr, stderr
    lignes_erreur = [ligne for ligne in stderr.splitlines() if ligne.strip()]
    assert len(lignes_erreur) == 1, stderr
    assert lignes_erreur[0].startswith("Erreur : "), stderr
    return lignes_erreur[0]


# --- an ordinary user's permissions, even as root --------------------------------------------
def sans_passe_droit() -> list[str]:
    """A command prefix that runs a process subject to file permissions: root keeps its uid
    (so its files and home stay its own) but loses the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv is not None
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def passe_droit_retirable() -> bool:
    return os.geteuid() != 0 or shutil.which("setpriv") is not None


# --- a PostgreSQL cluster of the test's own --------------------------------------------------
def postgres_jetable_possible() -> tuple[bool, str]:
    if not (BINAIRES_POSTGRES / "pg_ctl").exists():
        return False, f"binaires PostgreSQL absents ({BINAIRES_POSTGRES})"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False, "pas d'utilisateur postgres pour lancer un serveur en tant que root"
        if shutil.which("runuser") is None:
            return False, "runuser absent"
    return True, ""


class PostgresJetable:
    """A PostgreSQL cluster in a temporary directory, listening on a Unix socket only, that
    the test may stop (even ``-m immediate``, as a crash) and start again."""

    def __init__(self) -> None:
        # Under /tmp, not pytest's tmp_path: the server runs as postgres and must reach it,
        # and a Unix socket path must stay short.
        self.racine = Path(tempfile.mkdtemp(prefix="cpfpg-", dir="/tmp"))
        self.donnees = self.racine / "donnees"
        self.prise = self.racine / "sock"
        self.journal = self.racine / "serveur.log"
        self.port = 50000 + os.getpid() % 10000
        self.en_marche = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.prise}&port={self.port}"

    def _comme_postgres(self, *args: str, delai: float = 60) -> subprocess.CompletedProcess[str]:
        prefixe = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefixe, *args], capture_output=True, text=True, timeout=delai, check=True
        )

    def initialiser(self) -> PostgresJetable:
        self.prise.mkdir()
        if os.geteuid() == 0:
            for chemin in (self.racine, self.prise):
                shutil.chown(chemin, "postgres", "postgres")
        self._comme_postgres(
            str(BINAIRES_POSTGRES / "initdb"), "-D", str(self.donnees), "-U", "postgres",
            "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C",
        )  # fmt: skip
        return self

    def demarrer(self) -> None:
        # fsync off: the machine does not crash, only the server. synchronous_commit stays
        # on, or a crash would lose transactions the client saw committed.
        options = f"-p {self.port} -k {self.prise} -c listen_addresses='' -c fsync=off"
        self._comme_postgres(
            str(BINAIRES_POSTGRES / "pg_ctl"), "-D", str(self.donnees), "-l", str(self.journal),
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip
        self.en_marche = True

    def arreter(self, mode: str = "immediate") -> None:
        """``immediate``: every backend quits at once, nothing is rolled back cleanly; the next
        start runs crash recovery, as after a power cut."""
        self._comme_postgres(
            str(BINAIRES_POSTGRES / "pg_ctl"), "-D", str(self.donnees), "-w", "-m", mode, "stop"
        )
        self.en_marche = False

    def detruire(self) -> None:
        if self.en_marche:
            with contextlib.suppress(subprocess.SubprocessError):
                self.arreter()
        shutil.rmtree(self.racine, ignore_errors=True)

    def __enter__(self) -> PostgresJetable:
        return self

    def __exit__(self, *_: Any) -> None:
        self.detruire()


# --- starting processes together ---------------------------------------------------------------
def attendre_lecture_stdin(processus: list[subprocess.Popen[str]], delai: float = 30) -> None:
    """Wait until every process is blocked reading its (empty) standard input, i.e. has
    started, imported cpfadmin and authenticated; feeding them all then starts their real work
    at the same moment. Linux tells it in /proc/PID/wchan; elsewhere, a fixed pause."""
    limite = time.monotonic() + delai
    for p in processus:
        wchan = Path(f"/proc/{p.pid}/wchan")
        while time.monotonic() < limite and p.poll() is None:
            try:
                etat = wchan.read_text().strip()
            except OSError:
                etat = ""
            if etat in ("", "0"):  # not told (no /proc, or a kernel that hides it)
                time.sleep(3)
                return
            if "pipe_read" in etat:
                break
            time.sleep(0.02)


@contextlib.contextmanager
def ecritures_retenues(url: str) -> Iterator[Callable[..., bool]]:
    """Hold every writer of the store back, so that processes started one after the other all
    reach their writing transaction and then race: on SQLite the test holds the write lock
    (``BEGIN IMMEDIATE``; the processes wait in their busy timeout), on PostgreSQL the audit
    head's row lock (every writing transaction that audits takes it last, just before its
    commit). Yields ``attendre(n)``, true once ``n`` processes are waiting (PostgreSQL tells;
    SQLite does not, so a pause). Everything is released on leaving the block."""
    url = url_sqlalchemy(url)
    if not url.startswith("sqlite"):
        with verrou_postgres(url, "SELECT seq FROM tete_audit WHERE id = 1 FOR UPDATE") as a:
            yield a
        return

    import sqlite3

    brute = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)

    def patienter(_n: int, delai: float = 4.0) -> bool:
        time.sleep(delai)
        return True

    try:
        brute.execute("BEGIN IMMEDIATE")
        yield patienter
    finally:
        brute.execute("ROLLBACK")
        brute.close()


@contextlib.contextmanager
def verrou_postgres(url: str, requete: str, **parametres: Any) -> Iterator[Callable[..., bool]]:
    """Run ``requete`` (a ``SELECT … FOR UPDATE``) in a transaction held open for the block.
    Yields ``attendre(n)``: true once ``n`` other sessions of the database wait on a lock.
    Released on leaving, even if the server died meanwhile."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    moteur = create_engine(url_sqlalchemy(url), poolclass=NullPool)
    verrou = moteur.connect()

    def attendre(n: int, delai: float = 60) -> bool:
        limite = time.monotonic() + delai
        while time.monotonic() < limite:
            with moteur.connect() as c:
                bloques = c.execute(
                    text(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
            if bloques >= n:
                return True
            time.sleep(0.05)
        return False

    try:
        verrou.execute(text(requete), parametres)
        yield attendre
    finally:
        with contextlib.suppress(DBAPIError):
            verrou.rollback()
        with contextlib.suppress(DBAPIError):
            verrou.close()
        moteur.dispose()
