"""Which stores cpfadmin opens, and how it says it cannot (SPEC §4–5): both PostgreSQL URL
forms, exit 8 in one French line for an unreachable server or a store not at the expected
schema, exit 7 for a URL it does not support."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url

from cpfadmin.store.migrate import REVISION_ATTENDUE
from tests.conftest import MOT_DE_PASSE_ADMIN
from tests.support import base
from tests.support.processus import OPERATEUR, Resultat, cpfadmin, premiere_connexion, sans_trace


def _sous_la_forme(url: str, prefixe: str) -> str:
    for connu in ("postgresql+psycopg://", "postgresql://"):
        if url.startswith(connu):
            return prefixe + url[len(connu) :]
    raise AssertionError(url)


def _port_ferme(url: str) -> str:
    """The same server address, on port 1 where nothing listens."""
    u = make_url(url)
    u = u.update_query_dict({"port": "1"}) if "port" in u.query else u.set(port=1)
    return u.render_as_string(hide_password=False)


def _une_ligne(r: Resultat, code: int) -> str:
    assert r.code == code, r
    sans_trace(r)
    assert r.stdout == "", r
    assert len(r.lignes_erreur) == 1, r
    return r.lignes_erreur[0]


# --- both URL forms -------------------------------------------------------------------------
@pytest.mark.parametrize("prefixe", ["postgresql://", "postgresql+psycopg://"])
def test_init_works_with_both_postgresql_url_forms(base_postgres: str, prefixe: str) -> None:
    url = _sous_la_forme(base_postgres, prefixe)
    autre = _sous_la_forme(
        base_postgres,
        "postgresql+psycopg://" if prefixe == "postgresql://" else "postgresql://",
    )

    r = cpfadmin("--db", url, "-o", "json", "init", *OPERATEUR)
    assert r.code == 0, r
    init = r.json()
    assert init["base"].startswith("postgresql+psycopg://")

    r = cpfadmin("--db", url, "-o", "json", "db", "status")
    assert r.code == 0, r
    etat = r.json()
    assert etat["a_jour"] is True
    assert etat["revision_courante"] == etat["revision_attendue"] == REVISION_ATTENDUE

    # The other form, through CPFADMIN_DATABASE_URL, reaches the same store.
    env = {"CPFADMIN_DATABASE_URL": autre}
    premiere_connexion(init["identifiant"], init["mot_de_passe_temporaire"], MOT_DE_PASSE_ADMIN,
                       env=env)  # fmt: skip
    r = cpfadmin("-o", "json", "me", env=env)
    assert r.code == 0, r
    assert r.json()["identifiant"] == init["identifiant"]

    # --db wins over the environment variable.
    r = cpfadmin("--db", url, "-o", "json", "me",
                 env={"CPFADMIN_DATABASE_URL": _port_ferme(base_postgres)})  # fmt: skip
    assert r.code == 0, r


def test_db_upgrade_prepares_an_empty_postgresql_database(base_postgres: str) -> None:
    r = cpfadmin("--db", base_postgres, "-o", "json", "db", "status")
    assert r.code == 0, r
    assert r.json()["revision_courante"] is None and r.json()["a_jour"] is False

    r = cpfadmin("--db", base_postgres, "-o", "json", "me")
    assert r.code == 8, r
    assert "cpfadmin init" in json.loads(r.stderr)["erreur"]["suggestion"]

    r = cpfadmin("--db", base_postgres, "-o", "json", "db", "upgrade")
    assert r.code == 0, r
    assert r.json() == {"revision_precedente": None, "revision": REVISION_ATTENDUE, "a_jour": True}
    # At head: commands now fail for the right reason (nobody is logged in), and init works.
    assert cpfadmin("--db", base_postgres, "me").code == 3
    assert cpfadmin("--db", base_postgres, "init", *OPERATEUR).code == 0
    # Upgrading a store at head changes nothing.
    r = cpfadmin("--db", base_postgres, "-o", "json", "db", "upgrade")
    assert r.code == 0, r
    assert r.json()["revision_precedente"] == REVISION_ATTENDUE


# --- an unreachable server ------------------------------------------------------------------
COMMANDES = [
    ("db", "status"),
    ("db", "upgrade"),
    ("me",),
    ("audit", "verify"),
    ("init", *OPERATEUR),
    ("login", "ABCD2345", "--password-stdin"),
]


@pytest.mark.parametrize("args", COMMANDES, ids=lambda a: " ".join(a[:2]))
def test_an_unreachable_postgresql_is_exit_8_in_one_french_line(
    base_postgres: str, args: tuple[str, ...]
) -> None:
    url = _port_ferme(base_postgres)
    r = cpfadmin("--db", url, *args, entree="Un-Mot-De-Passe-2026!\n")
    ligne = _une_ligne(r, 8)
    assert ligne.startswith("Erreur : Base de données indisponible")

    r = cpfadmin("--db", url, "-o", "json", *args, entree="Un-Mot-De-Passe-2026!\n")
    assert r.code == 8, r
    assert r.stdout == ""
    assert json.loads(r.stderr)["erreur"]["code"] == 8


def test_an_unreachable_server_never_shows_the_password_of_the_url() -> None:
    url = "postgresql://cpfadmin:Mot-De-Passe-De-La-Base@127.0.0.1:1/cpfadmin"
    for args in (("me",), ("db", "status"), ("init", *OPERATEUR)):
        r = cpfadmin("--db", url, *args)
        ligne = _une_ligne(r, 8)
        assert "Mot-De-Passe-De-La-Base" not in ligne
        assert "cpfadmin:***@127.0.0.1" in ligne


@pytest.mark.parametrize(
    "url",
    ["mysql://x@localhost/cpfadmin", "postgresql+asyncpg://x@localhost/cpfadmin",
     "n'importe quoi"],
)  # fmt: skip
def test_an_unsupported_database_url_is_invalid_input(url: str) -> None:
    for args in (("me",), ("db", "status")):
        _une_ligne(cpfadmin("--db", url, *args), 7)


# --- a store that is not at the expected schema ---------------------------------------------
@pytest.mark.parametrize(
    "modification",
    ["DELETE FROM alembic_version", "UPDATE alembic_version SET version_num = '9999'"],
    ids=["revision_effacee", "revision_inconnue"],
)
def test_a_store_not_at_head_is_exit_8_naming_what_to_do(url_base: str, modification: str) -> None:
    r = cpfadmin("-o", "json", "init", *OPERATEUR)
    assert r.code == 0, r
    init = r.json()
    premiere_connexion(init["identifiant"], init["mot_de_passe_temporaire"], MOT_DE_PASSE_ADMIN)
    base.executer(url_base, modification)
    revision = base.lignes(url_base, "SELECT version_num FROM alembic_version")
    courante = revision[0][0] if revision else None

    # A missing revision points to the migration; a revision this version does not know
    # (a newer cpfadmin migrated the store) points to updating cpfadmin instead.
    conseil = "cpfadmin db upgrade" if courante is None else "mettez cpfadmin à jour"
    for args in (("me",), ("audit", "verify"), ("logout",)):
        ligne = _une_ligne(cpfadmin(*args), 8)
        assert conseil in ligne
    r = cpfadmin("-o", "json", "me")
    assert r.code == 8, r
    erreur = json.loads(r.stderr)["erreur"]
    assert erreur["code"] == 8 and conseil in erreur["suggestion"]

    r = cpfadmin("-o", "json", "db", "status")
    assert r.code == 0, r
    assert r.json()["a_jour"] is False
    assert r.json()["revision_courante"] == courante
    assert r.json()["revision_attendue"] == REVISION_ATTENDUE


@pytest.mark.parametrize(
    "modification",
    ["DELETE FROM alembic_version", "UPDATE alembic_version SET version_num = '9999'"],
    ids=["revision_effacee", "revision_inconnue"],
)
def test_db_upgrade_on_a_store_it_cannot_upgrade_fails_in_one_line(
    url_base: str, modification: str
) -> None:
    """Following the advice must not end in "erreur inattendue": a store that already has
    tables but no revision, or a revision this version does not know (a newer cpfadmin
    migrated it), gives exit 8 and says why."""
    assert cpfadmin("init", *OPERATEUR).code == 0
    base.executer(url_base, modification)
    for args in (("db", "upgrade"), ("init", *OPERATEUR)):
        r = cpfadmin(*args)
        assert r.code in (6, 8), r
        sans_trace(r)
        assert "inattendue" not in r.stderr, r
        assert len(r.lignes_erreur) == 1, r
