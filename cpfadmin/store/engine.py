"""Engines for the embedded SQLite file and for a shared PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from cpfadmin.domain.errors import DonneeInvalide

BUSY_TIMEOUT_MS = 30_000
LECTURE = "cpfadmin_lecture"
DELAI_CONNEXION = 5.0
# A connection still not made after this long is said at a terminal, so nobody stares at a
# silent command while a server that never answers runs out the timeout.
DELAI_ANNONCE = 1.0


def normaliser_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; SQLite stays as it is."""
    for prefixe in ("postgresql://", "postgres://"):
        if url.startswith(prefixe):
            return "postgresql+psycopg://" + url[len(prefixe) :]
    return url


def masquer(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(normaliser_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<URL invalide>"


# The driver's English reasons a store can be unusable, and what they mean for the operator.
RAISONS_PILOTE = (
    (
        "attempt to write a readonly database",
        "base en lecture seule (droits du fichier ou de son dossier)",
    ),
    ("readonly database", "base en lecture seule (droits du fichier ou de son dossier)"),
    (
        "file is not a database",
        "le fichier n'est pas une base SQLite (endommagé ou d'un autre format)",
    ),
    ("database disk image is malformed", "fichier de base endommagé"),
    (
        "unable to open database file",
        "impossible d'ouvrir le fichier de base (dossier absent ou droits insuffisants)",
    ),
    ("disk i/o error", "erreur d'entrée-sortie sur le disque"),
    ("database or disk is full", "disque plein"),
    ("database is locked", "base verrouillée par un autre processus"),
    ("no such table", "schéma incomplet (une table manque : mettez le schéma à jour)"),
    ("password authentication failed", "authentification refusée par le serveur"),
    ("no password supplied", "mot de passe du serveur manquant"),
    ("connection refused", "connexion refusée (le serveur est-il démarré ?)"),
    ("no such file or directory", "socket du serveur introuvable (le serveur est-il démarré ?)"),
    ("could not translate host name", "nom d'hôte inconnu"),
    ("timeout expired", "délai de connexion dépassé"),
    ("terminating connection", "le serveur a mis fin à la connexion"),
    ("server closed the connection", "le serveur a fermé la connexion"),
    ("the database system is shutting down", "le serveur s'arrête"),
    ("the database system is starting up", "le serveur démarre, réessayez dans un instant"),
    ("connection is closed", "connexion au serveur perdue"),
    ("consuming input failed", "connexion au serveur perdue"),
    ("sending query failed", "connexion au serveur perdue"),
    ("eof detected", "connexion au serveur perdue"),
    ("connection is lost", "connexion au serveur perdue"),
    ("ssl", "erreur de chiffrement de la connexion (SSL)"),
)


def raison_pilote(erreur: BaseException) -> str:
    """A store failure in French, from the driver's own (English) message: a known reason is
    translated; an unknown one is quoted as the driver gave it."""
    brut = str(getattr(erreur, "orig", None) or erreur).strip()
    premiere = brut.splitlines()[0] if brut else type(erreur).__name__
    minuscules = brut.lower()
    if "does not exist" in minuscules and "database" in minuscules:
        return "cette base n'existe pas sur le serveur"
    if "does not exist" in minuscules and "role" in minuscules:
        return "cet utilisateur n'existe pas sur le serveur"
    for motif, raison in RAISONS_PILOTE:
        if motif in minuscules:
            return raison
    return f"erreur du pilote : « {premiere} »"


def fichier_sqlite(url: str) -> Path | None:
    try:
        u = make_url(normaliser_url(url))
    except ArgumentError:
        raise DonneeInvalide(
            f"URL de base de données invalide : {masquer(url)}", champ="db"
        ) from None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def creer_moteur(
    url: str,
    *,
    delai_connexion: float = DELAI_CONNEXION,
    annoncer_attente: Callable[[str], None] | None = None,
    verifier_connexions: bool = False,
) -> Engine:
    """The engine for ``url``. On PostgreSQL a connection waits at most ``delai_connexion``
    seconds, and ``annoncer_attente`` (if given) is told what it waits for once a connection
    has taken ``DELAI_ANNONCE`` seconds; with ``verifier_connexions`` (a server), a pooled
    connection is checked before each use and replaced if the store has closed it."""
    from sqlalchemy import create_engine

    url = normaliser_url(url)
    try:
        u = make_url(url)
    except ArgumentError:
        raise DonneeInvalide(
            f"URL de base de données invalide : {masquer(url)}", champ="db"
        ) from None
    backend = u.get_backend_name()
    if backend == "sqlite":
        moteur = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configurer_sqlite(
            moteur, Path(u.database) if u.database not in (None, "", ":memory:") else None
        )
        return moteur
    if backend == "postgresql":
        if u.get_driver_name() != "psycopg":
            raise DonneeInvalide(
                "PostgreSQL s'utilise avec psycopg 3 : postgresql+psycopg://…", champ="db"
            )
        import logging

        # psycopg logs a lost connection on its own; the one French line at the CLI's edge says
        # it, so no English line goes to stderr before it.
        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        moteur = create_engine(
            url,
            connect_args={"connect_timeout": max(2, round(delai_connexion))},
            pool_pre_ping=verifier_connexions,
        )
        if annoncer_attente is not None:
            _annoncer_les_attentes(moteur, u, delai_connexion, annoncer_attente)
        return moteur
    raise DonneeInvalide(
        f"Base non prise en charge : {backend} (SQLite ou PostgreSQL).", champ="db"
    )


def serveur_de(u: URL) -> str:
    """``host:port`` of a PostgreSQL URL, the socket directory if it names one."""
    hote = u.host or u.query.get("host") or "localhost"
    if isinstance(hote, tuple):
        hote = ",".join(hote)
    port = u.port or u.query.get("port") or 5432
    if isinstance(port, tuple):
        port = ",".join(port)
    return f"{hote}:{port}"


def _annoncer_les_attentes(
    moteur: Engine, u: URL, delai: float, annoncer: Callable[[str], None]
) -> None:
    message = (
        f"En attente du serveur PostgreSQL {serveur_de(u)}… (abandon après {delai:g} s ; "
        "réglage : connect_timeout_seconds dans config.toml)"
    )
    deja = threading.Event()

    @event.listens_for(moteur, "do_connect")
    def _connecter(dialect, _record, cargs, cparams):  # type: ignore[no-untyped-def]
        if deja.is_set():
            return None  # said once per command; the driver connects as usual
        minuterie = threading.Timer(DELAI_ANNONCE, lambda: (deja.set(), annoncer(message)))
        minuterie.daemon = True
        minuterie.start()
        try:
            return dialect.connect(*cargs, **cparams)
        finally:
            minuterie.cancel()
            minuterie.join()  # no thread outlives the connection attempt


def rendre_prive(fichier: Path) -> None:
    """The store holds queued temporary passwords: readable by its owner only, whatever the
    umask (0600), and so are its ``-wal`` and ``-shm`` (SQLite gives them the store's mode)."""
    import os
    import stat

    for chemin in (fichier, Path(f"{fichier}-wal"), Path(f"{fichier}-shm")):
        try:
            mode = stat.S_IMODE(chemin.stat().st_mode)
            if mode & 0o077:
                os.chmod(chemin, mode & 0o700 or 0o600)
        except OSError:
            continue  # absent, or not ours: SQLite says what it can't open


def _configurer_sqlite(moteur: Engine, fichier: Path | None = None) -> None:
    @event.listens_for(moteur, "connect")
    def _connexion(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        if fichier is not None:
            rendre_prive(fichier)  # before WAL mode creates the -wal and -shm
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        curseur = dbapi_connection.cursor()
        curseur.execute("PRAGMA foreign_keys=ON")
        curseur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        curseur.execute("PRAGMA journal_mode=WAL")
        curseur.execute("PRAGMA synchronous=NORMAL")
        # Deleted or overwritten values (delivered secrets) are zeroed, not left in free pages.
        curseur.execute("PRAGMA secure_delete=ON")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion):  # type: ignore[no-untyped-def]
        # Writers take the write lock at BEGIN: two writers never both read then try to
        # upgrade their lock (which SQLite answers with "database is locked" at once).
        if connexion.get_execution_options().get(LECTURE):
            connexion.exec_driver_sql("BEGIN")
        else:
            connexion.exec_driver_sql("BEGIN IMMEDIATE")
