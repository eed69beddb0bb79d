import pytest
from sqlalchemy import create_engine, text

from tests.conftest import json_de


def test_db_upgrade_creates_the_schema_then_status_says_up_to_date(cli):
    r = cli("-o", "json", "db", "upgrade")
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["a_jour"] is True
    r = cli("-o", "json", "db", "status")
    assert json_de(r)["a_jour"] is True
    assert json_de(r)["revision_courante"] == json_de(r)["revision_attendue"]


def test_db_upgrade_is_idempotent(cli):
    assert cli("db", "upgrade").exit_code == 0
    assert cli("db", "upgrade").exit_code == 0


def test_a_store_behind_head_is_reported_with_exit_8_and_the_command_to_run(
    cli, operateur, url_base, monkeypatch
):
    # A store left at an older revision this version knows (simulated: one revision ships).
    monkeypatch.setattr("cpfadmin.store.migrate.REVISIONS_CONNUES", ("0000", "0001"))
    moteur = create_engine(url_base.replace("postgresql://", "postgresql+psycopg://"))
    with moteur.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    moteur.dispose()
    r = cli("me")
    assert r.exit_code == 8
    assert "cpfadmin db upgrade" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_an_upgraded_empty_store_is_not_initialised_yet(cli):
    assert cli("db", "upgrade").exit_code == 0
    r = cli("me")
    assert r.exit_code == 3  # the store is fine; nobody is logged in


@pytest.mark.sqlite_only
@pytest.mark.base_absente
def test_status_of_a_missing_store_exits_8(cli):
    r = cli("db", "status")
    assert r.exit_code == 8
    assert "Aucune base" in r.stderr


def test_unsupported_database_url_is_invalid_input(cli):
    r = cli("--db", "mysql://x@y/z", "me")
    assert r.exit_code == 7
    assert "non prise en charge" in r.stderr


def test_a_store_migrated_by_a_newer_cpfadmin_says_to_update_cpfadmin(cli, operateur, url_base):
    moteur = create_engine(url_base.replace("postgresql://", "postgresql+psycopg://"))
    with moteur.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    moteur.dispose()
    r = cli("me")
    assert r.exit_code == 8
    assert "plus récent" in r.stderr and "mettez cpfadmin à jour" in r.stderr
    r = cli("db", "upgrade")
    assert r.exit_code == 8 and "Traceback" not in r.stderr


def test_the_expected_revision_is_alembic_head():
    from cpfadmin.store.migrate import REVISION_ATTENDUE, REVISIONS_CONNUES, tete_alembic

    assert tete_alembic() == REVISION_ATTENDUE == REVISIONS_CONNUES[-1]


def test_the_revisions_read_from_the_file_names_are_alembics_chain_in_order():
    """A new migration is one new file: the revisions every command knows are read from the
    files' names, and they must be Alembic's own chain, base to head."""
    from alembic.script import ScriptDirectory

    from cpfadmin.store.migrate import REVISIONS_CONNUES, _config

    chaine = [s.revision for s in ScriptDirectory.from_config(_config(None)).walk_revisions()]
    assert tuple(reversed(chaine)) == REVISIONS_CONNUES


@pytest.mark.sqlite_only
@pytest.mark.parametrize("commande", ["db upgrade", "init"])
def test_a_new_sqlite_file_in_an_existing_directory_is_created(cli, tmp_path, commande):
    # « crée la base SQLite si besoin »: it said « Aucune base » when only the file was missing.
    fichier = tmp_path / "ailleurs" / "nouvelle.db"
    fichier.parent.mkdir()
    args = commande.split()
    if commande == "init":
        args += ["--nom", "Martin", "--prenom", "Alice", "--email", "alice.martin@caissedesdepots.fr",
                 "--telephone-mobile", "0612345678"]  # fmt: skip
    r = cli("--db", f"sqlite:///{fichier}", *args)
    assert r.exit_code == 0, r.stderr
    assert fichier.exists()
    assert cli("--db", f"sqlite:///{fichier}", "db", "status").exit_code == 0
