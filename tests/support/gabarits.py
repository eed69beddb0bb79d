"""Test worlds built once per test session and copied into every test that asks for one.

Setting up a world through the CLI — ``init``, the first operator's first login, an organisme,
its principal administrator's first login — takes most of a CLI test's time. The first test
that asks for a world builds it as usual, in its own home and store; the world is then
captured (the store, the files under ``CPFADMIN_HOME`` but ``config.toml``, the test keyrings,
what the builder returned) and every later test gets a copy instead of a rebuild: a file copy
for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL.

A copy is the same world, with one difference a test could see: the sessions it holds are
refreshed (last seen now, ending 12 h from now), so a long run never hands a test a session
that expired while the suite was running.
"""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import keyring

from tests.support.base import connexion, url_sqlalchemy
from tests.support.keyrings import MemoryKeyring

T = TypeVar("T")


def url_du_test() -> str:
    """The store the CLI uses in the current test: ``CPFADMIN_DATABASE_URL``, or the embedded
    default under ``CPFADMIN_HOME``."""
    return os.environ.get("CPFADMIN_DATABASE_URL") or (
        f"sqlite:///{Path(os.environ['CPFADMIN_HOME']) / 'data' / 'cpfadmin.db'}"
    )


def _fichier_sqlite(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _postgres(url: str) -> tuple[str, str]:
    """(URL of the server's ``postgres`` database, name of the database of ``url``)."""
    from sqlalchemy.engine import make_url

    u = make_url(url_sqlalchemy(url))
    return u.set(database="postgres").render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://"
    ), str(u.database)


def _sans_connexions(curseur: Any, base: str) -> None:
    # The in-process CLI's engines of the builder may still hold pooled connections.
    curseur.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (base,),
    )


@dataclass
class _Capture:
    dossier: Path  # copy of CPFADMIN_HOME (without config.toml and the SQLite store)
    base_sqlite: Path | None
    base_postgres: str | None
    trousseau_memoire: dict[tuple[str, str], str]
    trousseau_fichier: Path | None
    valeur: Any


class Gabarits:
    def __init__(self, racine: Path) -> None:
        self.racine = racine
        self.captures: dict[str, _Capture] = {}
        self.serveur_postgres: str | None = None
        self._preparee_sqlite: Path | None = None
        self._preparee_postgres: str | None = None

    def preparer(self, url: str) -> None:
        """Make ``url`` (absent) a store as an operator prepares one before ``init``: migrated,
        with the test policy written in the store (``politique_de_test``). Built once per
        session, then copied."""
        sqlite = _fichier_sqlite(url)
        if sqlite is not None:
            if self._preparee_sqlite is None:
                modele = self.racine / "base-preparee.db"
                creer_base_preparee(f"sqlite:///{modele}")
                self._preparee_sqlite = modele
            sqlite.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copyfile(self._preparee_sqlite, sqlite)
            sqlite.chmod(0o600)
            return
        import psycopg

        serveur, base = _postgres(url)
        self.serveur_postgres = serveur
        with psycopg.connect(serveur, autocommit=True) as c:
            if self._preparee_postgres is None:
                modele = f"cpf_gabarit_{uuid.uuid4().hex[:8]}_prepare"
                c.execute(f'CREATE DATABASE "{modele}"')
                creer_base_preparee(_autre_base(url, modele))
                _sans_connexions(c, modele)
                self._preparee_postgres = modele
            # A database of the ``base_postgres`` fixture exists already, empty: it is replaced.
            _sans_connexions(c, base)
            c.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{base}" TEMPLATE "{self._preparee_postgres}"')

    def monde(self, nom: str, construire: Callable[[], T]) -> T:
        """The world ``nom`` in the current test: copied if it was built before in this
        session, else built by ``construire`` (whose result is returned both times)."""
        capture = self.captures.get(nom)
        if capture is None:
            valeur = construire()
            self.captures[nom] = self._capturer(nom, valeur)
            return valeur
        self._restaurer(capture)
        return copy.deepcopy(capture.valeur)

    # --- capture ------------------------------------------------------------------------------
    def _capturer(self, nom: str, valeur: Any) -> _Capture:
        maison = Path(os.environ["CPFADMIN_HOME"])
        url = url_du_test()
        sqlite = _fichier_sqlite(url)
        dossier = self.racine / nom
        ignorer = {"config.toml"}
        if sqlite is not None:
            ignorer |= {sqlite.name, f"{sqlite.name}-wal", f"{sqlite.name}-shm"}
        shutil.copytree(maison, dossier / "maison", ignore=lambda _d, noms: ignorer & set(noms))
        base_sqlite = base_postgres = None
        if sqlite is not None:
            base_sqlite = dossier / "base.db"
            source, cible = sqlite3.connect(sqlite), sqlite3.connect(base_sqlite)
            try:
                source.backup(cible)  # consistent, whatever the WAL holds
            finally:
                source.close()
                cible.close()
        else:
            import psycopg

            serveur, base = _postgres(url)
            self.serveur_postgres = serveur
            base_postgres = f"cpf_gabarit_{uuid.uuid4().hex[:8]}_{nom.replace('.', '_')}"[:63]
            with psycopg.connect(serveur, autocommit=True) as c:
                _sans_connexions(c, base)
                c.execute(f'CREATE DATABASE "{base_postgres}" TEMPLATE "{base}"')
        memoire = keyring.get_keyring()
        fichier = os.environ.get("CPFADMIN_TEST_KEYRING_FILE")
        trousseau_fichier = None
        if fichier and Path(fichier).exists():
            trousseau_fichier = dossier / "trousseau.json"
            shutil.copyfile(fichier, trousseau_fichier)
        return _Capture(
            dossier=dossier / "maison",
            base_sqlite=base_sqlite,
            base_postgres=base_postgres,
            trousseau_memoire=dict(memoire.entrees) if isinstance(memoire, MemoryKeyring) else {},
            trousseau_fichier=trousseau_fichier,
            valeur=copy.deepcopy(valeur),
        )

    # --- restore ------------------------------------------------------------------------------
    def _restaurer(self, capture: _Capture) -> None:
        maison = Path(os.environ["CPFADMIN_HOME"])
        shutil.copytree(capture.dossier, maison, dirs_exist_ok=True)
        url = url_du_test()
        sqlite = _fichier_sqlite(url)
        if sqlite is not None:
            assert capture.base_sqlite is not None, "monde construit sur un autre stockage"
            for reste in (
                sqlite.with_name(f"{sqlite.name}-wal"),
                sqlite.with_name(f"{sqlite.name}-shm"),
            ):
                reste.unlink(missing_ok=True)
            sqlite.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(capture.base_sqlite, sqlite)
        else:
            import psycopg

            assert capture.base_postgres is not None, "monde construit sur un autre stockage"
            serveur, base = _postgres(url)
            with psycopg.connect(serveur, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
                c.execute(f'CREATE DATABASE "{base}" TEMPLATE "{capture.base_postgres}"')
        memoire = keyring.get_keyring()
        if isinstance(memoire, MemoryKeyring):
            memoire.entrees.update(capture.trousseau_memoire)
        fichier = os.environ.get("CPFADMIN_TEST_KEYRING_FILE")
        if fichier and capture.trousseau_fichier is not None:
            shutil.copyfile(capture.trousseau_fichier, fichier)
        _rafraichir_sessions(url)

    def detruire(self) -> None:
        bases = [c.base_postgres for c in self.captures.values() if c.base_postgres]
        if self._preparee_postgres:
            bases.append(self._preparee_postgres)
        if bases and self.serveur_postgres:
            import psycopg

            with psycopg.connect(self.serveur_postgres, autocommit=True) as c:
                for base in bases:
                    c.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')


def _rafraichir_sessions(url: str) -> None:
    from sqlalchemy import update

    from cpfadmin.store.models import SessionCompte

    table = SessionCompte.__table__  # type: ignore[attr-defined]
    maintenant = datetime.now(UTC)
    with connexion(url) as c:
        c.execute(
            update(table)
            .where(table.c.revoquee_le.is_(None))
            .values(
                cree_le=maintenant, vue_le=maintenant, expire_le=maintenant + timedelta(hours=12)
            )
        )


# The policy the suite's stores hold: bcrypt at cost 4 keeps the suite fast (the default cost,
# 12, has tests of its own). ``politique set`` refuses it (bounds 10–15): like a store owner,
# the suite writes it in the store itself.
# The server's per-address throttle at its bound: every test client is 127.0.0.1, and the
# lockout tests fail many logins on purpose (``tests/serveur/test_limitation.py`` lowers it).
POLITIQUE_DE_TEST = {"bcrypt_cost": "4", "source_throttle_failures": "1000"}
# On a shared store (PostgreSQL) the ``file`` mail transport is refused unless the policy admits
# it on purpose: the suite reads the temporary passwords from its files, so it admits it, and
# every command that delivers mail then warns that the two channels are broken.
POLITIQUE_DE_TEST_PARTAGEE = {**POLITIQUE_DE_TEST, "mail_file_transport_shared": "true"}


def _autre_base(url: str, base: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url_sqlalchemy(url)).set(database=base).render_as_string(hide_password=False)


def ecrire_politique(url: str, valeurs: dict[str, str]) -> None:
    """Write policy rows straight into the store, as someone holding the store would."""
    from sqlalchemy import delete, insert

    from cpfadmin.store.models import ReglePolitique

    table = ReglePolitique.__table__  # type: ignore[attr-defined]
    with connexion(url) as c:
        c.execute(delete(table).where(table.c.cle.in_(list(valeurs))))
        c.execute(
            insert(table),
            [
                {"cle": cle, "valeur": valeur, "modifie_le": datetime.now(UTC)}
                for cle, valeur in valeurs.items()
            ],
        )


def creer_base_preparee(url: str) -> None:
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.migrate import mettre_a_jour

    moteur = creer_moteur(url_sqlalchemy(url))
    try:
        mettre_a_jour(moteur)
    finally:
        moteur.dispose()
    ecrire_politique(
        url, POLITIQUE_DE_TEST if url.startswith("sqlite") else POLITIQUE_DE_TEST_PARTAGEE
    )


_courants: Gabarits | None = None


def installer(gabarits: Gabarits | None) -> None:
    global _courants
    _courants = gabarits


def preparer(url: str) -> None:
    """See ``Gabarits.preparer``; outside a test session, built in place."""
    if _courants is None:
        creer_base_preparee(url)
        return
    _courants.preparer(url)


def monde(nom: str, construire: Callable[[], T]) -> T:
    """The world ``nom`` (see ``Gabarits.monde``); built every time outside a test session."""
    if _courants is None:
        return construire()
    return _courants.monde(nom, construire)
