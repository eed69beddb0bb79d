"""The throwaway stores a benchmark runs on: environment, a store with its first operator logged
in, an employer added for an import, a PostgreSQL database of its own."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.mesures import PYTHON

MOT_DE_PASSE = "Mesure-Rapide-Fiable-2026!"


def environnement(maison: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPFADMIN_")}
    env.update(
        CPFADMIN_HOME=str(maison),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        COLUMNS="100",
        NO_COLOR="1",
        HOME=str(maison),
        XDG_DATA_HOME=str(maison / "xdg"),
    )
    env.update(extra)
    return env


def cpf(
    env: dict[str, str], *args: str, entree: bytes | None = None
) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [PYTHON, "-m", "cpfadmin", *args], env=env, input=entree, capture_output=True
    )
    if r.returncode != 0:
        raise SystemExit(f"cpfadmin {' '.join(args)} : {r.stderr.decode()[-800:]}")
    return r


def ecrire_cout_bcrypt(url: str, cout: int) -> None:
    from sqlalchemy import create_engine, delete, insert

    from cpfadmin.store.models import ReglePolitique

    table = ReglePolitique.__table__
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    moteur = create_engine(url)
    with moteur.begin() as c:
        c.execute(delete(table).where(table.c.cle == "bcrypt_cost"))
        c.execute(
            insert(table).values(cle="bcrypt_cost", valeur=str(cout), modifie_le=datetime.now(UTC))
        )
    moteur.dispose()


def store_initialise(
    maison: Path, url: str | None = None, cout: int = 4
) -> tuple[dict[str, str], str]:
    """A store with the first operator logged in; returns (env, identifiant). The bcrypt cost
    is the store's policy: the store is migrated first and the cost written into it, as its
    owner may (``politique set`` keeps to 10–15; the setup of a bench wants 4)."""
    maison.mkdir(parents=True, exist_ok=True)
    (maison / "config.toml").write_text("")
    env = environnement(maison, **({"CPFADMIN_DATABASE_URL": url} if url else {}))
    cpf(env, "db", "upgrade")
    ecrire_cout_bcrypt(url or f"sqlite:///{maison / 'data' / 'cpfadmin.db'}", cout)
    init = json.loads(
        cpf(
            env,
            "-o",
            "json",
            "init",
            "--nom",
            "Essai",
            "--prenom",
            "Banc",
            "--email",
            "banc.essai@caissedesdepots.fr",
            "--telephone-mobile",
            "0612345678",
        ).stdout
    )
    cpf(
        env,
        "login",
        init["identifiant"],
        "--password-stdin",
        "--accept-cgu",
        entree=f"{init['mot_de_passe_temporaire']}\n{MOT_DE_PASSE}\n".encode(),
    )
    return env, init["identifiant"]


def base_pg(url_admin: str) -> tuple[str, Callable[[], None]]:
    import psycopg
    from sqlalchemy.engine import make_url

    nom = f"cpf_bench_{uuid.uuid4().hex[:10]}"
    admin = make_url(url_admin.replace("postgresql+psycopg://", "postgresql://"))
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{nom}"')

    def supprimer() -> None:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')

    return admin.set(database=nom).render_as_string(hide_password=False), supprimer


def preparer_import(maison: Path, url: str | None) -> tuple[dict[str, str], str]:
    env, _ = store_initialise(maison, url)
    siret = "44306184100047"
    cpf(
        env,
        "organismes",
        "add",
        "--siret",
        siret,
        "--raison-sociale",
        "Banc d'essai",
        "--type",
        "employeur_prive",
    )
    return env, siret
