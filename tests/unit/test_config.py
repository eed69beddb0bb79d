"""Configuration (SPEC §4): named profiles of ``config.toml`` under ``CPFADMIN_HOME``."""

from __future__ import annotations

import pytest

from cpfadmin.config import Courrier, Reglages, charger_profil, chemins
from cpfadmin.domain.errors import DonneeInvalide


@pytest.fixture
def config(isolation):
    """Write ``config.toml`` (replacing the one of the shared fixture)."""
    fichier = isolation / "config.toml"

    def ecrire(texte):
        fichier.write_text(texte, encoding="utf-8")
        return fichier

    return ecrire


def refus(**options):
    with pytest.raises(DonneeInvalide) as info:
        charger_profil(**options)
    return info.value


# --- defaults ----------------------------------------------------------------------------------
def test_without_a_config_file_the_default_profile_is_a_sqlite_file_under_cpfadmin_home(isolation):
    (isolation / "config.toml").unlink()
    profil = charger_profil()
    assert profil.nom == "default"
    assert profil.url_base == f"sqlite:///{isolation / 'data' / 'cpfadmin.db'}"
    assert profil.url_explicite is False
    assert profil.reglages == Reglages()
    assert profil.avertissements == ()
    assert profil.courrier == Courrier()


def test_cpfadmin_home_relocates_configuration_and_data(isolation):
    c = chemins()
    assert c.fichier_configuration == isolation / "config.toml"
    assert c.donnees == isolation / "data"
    assert c.jetons.parent == c.courrier.parent == isolation / "data"


def test_an_empty_config_file_gives_the_defaults(config):
    config("")
    assert charger_profil().reglages == Reglages()


def test_the_keyring_timeout_is_the_clients_own_setting(config):
    config("[profiles.default.policy]\nkeyring_timeout_seconds = 2\n")
    assert charger_profil().reglages.keyring_timeout_seconds == 2


@pytest.mark.parametrize(
    "cle", ["bcrypt_cost", "session_idle_minutes", "session_absolute_hours", "lockout_threshold"]
)
def test_a_security_key_in_a_profile_is_ignored_with_a_warning(config, cle):
    # Issue 13: a token holder set session_idle_minutes = 1e8 in his own file and revived an
    # idle session. The policy is the store's; the file's line only earns a warning.
    config(f"[profiles.default.policy]\n{cle} = 100000\n")
    profil = charger_profil()
    assert not hasattr(profil, "politiques")
    (avertissement,) = profil.avertissements
    assert cle in avertissement and "cpfadmin politique" in avertissement


# --- named profiles ----------------------------------------------------------------------------
def test_named_profile_takes_its_database_url_and_mail_settings(config):
    config(
        '[profiles.prod]\ndatabase_url = "postgresql://cpf@db.example.fr/cpf"\n'
        '[profiles.prod.mail]\ntransport = "smtp"\nhost = "smtp.example.fr"\nport = 587\n'
    )
    profil = charger_profil("prod")
    assert profil.nom == "prod"
    assert profil.url_base == "postgresql://cpf@db.example.fr/cpf"
    assert profil.url_explicite is True
    assert profil.courrier.transport == "smtp"
    assert profil.courrier.host == "smtp.example.fr"
    assert profil.courrier.port == 587


def test_named_profile_without_url_gets_a_sqlite_file_of_its_own(config, isolation):
    config("[profiles.essai]\n")
    profil = charger_profil("essai")
    assert profil.url_base == f"sqlite:///{isolation / 'data' / 'cpfadmin-essai.db'}"
    assert profil.url_explicite is False


def test_default_profile_key_chooses_the_profile(config):
    config(
        'default_profile = "prod"\n'
        '[profiles.prod]\ndatabase_url = "sqlite:////srv/cpf/prod.db"\n'
        '[profiles.essai]\ndatabase_url = "sqlite:////srv/cpf/essai.db"\n'
    )
    assert charger_profil().nom == "prod"
    assert charger_profil().url_base == "sqlite:////srv/cpf/prod.db"
    assert charger_profil("essai").url_base == "sqlite:////srv/cpf/essai.db"


def test_explicit_url_overrides_the_profile_url(config):
    config('[profiles.prod]\ndatabase_url = "postgresql://cpf@db.example.fr/cpf"\n')
    profil = charger_profil("prod", url_base="sqlite:////tmp/autre.db")
    assert profil.url_base == "sqlite:////tmp/autre.db"
    assert profil.url_explicite is True


def test_explicit_url_overrides_the_default_sqlite_file(isolation):
    profil = charger_profil(url_base="postgresql://localhost/cpf")
    assert profil.nom == "default"
    assert profil.url_base == "postgresql://localhost/cpf"
    assert profil.url_explicite is True


# --- errors ------------------------------------------------------------------------------------
def test_unknown_profile_is_refused_in_french(config):
    config('[profiles.prod]\ndatabase_url = "sqlite:////tmp/p.db"\n')
    erreur = refus(nom="prdo")
    assert erreur.champ == "profile"
    assert "Profil inconnu" in erreur.message and "prdo" in erreur.message


def test_default_profile_naming_a_missing_profile_is_refused(config):
    config('default_profile = "prod"\n')
    assert "Profil inconnu" in refus().message


@pytest.mark.parametrize(
    ("texte", "cle", "section"),
    [
        (
            '[profiles.default]\ndatabase_uri = "sqlite:///x.db"\n',
            "database_uri",
            "[profiles.default]",
        ),
        ("[profiles.default.policy]\nbcrypt_rounds = 10\n", "bcrypt_rounds", ".policy"),
        ('[profiles.default.mail]\nserveur = "smtp"\n', "serveur", ".mail"),
    ],
)
def test_unknown_key_in_a_profile_is_refused_naming_it(config, texte, cle, section):
    config(texte)
    erreur = refus()
    assert "clé(s) inconnue(s)" in erreur.message
    assert cle in erreur.message and section in erreur.message


@pytest.mark.parametrize(
    "texte",
    [
        'default_profil = "prod"\n[profiles.prod]\n',  # typo: the prod profile would be ignored
        '[profile.prod]\ndatabase_url = "sqlite:////tmp/p.db"\n',  # "profile" for "profiles"
    ],
)
def test_unknown_top_level_key_is_refused(config, texte):
    # A misspelt top-level key must not silently send commands to the default database.
    config(texte)
    assert "inconnue" in refus().message


@pytest.mark.parametrize(
    "texte",
    [
        "profiles = 3\n",
        "[profiles.default]\npolicy = 3\n",
        '[profiles.default.policy]\nkeyring_timeout_seconds = "cinq"\n',
    ],
)
def test_a_value_of_the_wrong_type_is_refused_in_french(config, texte):
    config(texte)
    erreur = refus()
    assert "configuration" in erreur.message.lower()


@pytest.mark.parametrize("texte", ["x = [\n", "[profiles.default\n", 'a = "non fermé\n'])
def test_invalid_toml_is_refused_in_french(config, texte):
    fichier = config(texte)
    erreur = refus()
    assert "Fichier de configuration illisible" in erreur.message
    assert str(fichier) in erreur.message


def test_a_config_file_that_is_not_utf8_is_refused(isolation):
    (isolation / "config.toml").write_bytes(b'default_profile = "\xe9t\xe9"\n')
    assert "illisible" in refus().message


# --- database URLs -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "attendue"),
    [
        ("postgresql://cpf:secret@db/cpf", "postgresql+psycopg://cpf:secret@db/cpf"),
        ("postgres://cpf@db:5433/cpf", "postgresql+psycopg://cpf@db:5433/cpf"),
        ("postgresql+psycopg://cpf@db/cpf", "postgresql+psycopg://cpf@db/cpf"),
        ("sqlite:////tmp/cpf.db", "sqlite:////tmp/cpf.db"),
        ("sqlite:///relatif.db", "sqlite:///relatif.db"),
    ],
)
def test_postgresql_urls_are_mapped_to_psycopg_3(url, attendue):
    from cpfadmin.store.engine import normaliser_url

    assert normaliser_url(url) == attendue


# --- connection timeout ----------------------------------------------------------------------
def test_the_connection_timeout_is_a_few_seconds_unless_the_profile_says_otherwise(config):
    config("[profiles.default]\n")
    assert charger_profil().connect_timeout_seconds == 5
    config("[profiles.default]\nconnect_timeout_seconds = 30\n")
    assert charger_profil().connect_timeout_seconds == 30


@pytest.mark.parametrize("valeur", ["1", "0", "-3", "301", '"5"', "true"])
def test_a_connection_timeout_out_of_bounds_or_not_a_number_is_refused(config, valeur):
    config(f"[profiles.default]\nconnect_timeout_seconds = {valeur}\n")
    assert "connect_timeout_seconds" in refus().message
    assert "entre 2 et 300" in refus().message


def test_the_engine_gives_the_driver_the_profiles_connection_timeout():
    from sqlalchemy import event

    from cpfadmin.store.engine import creer_moteur

    moteur = creer_moteur("postgresql://u@127.0.0.1:1/x", delai_connexion=7)
    vus: dict[str, object] = {}

    @event.listens_for(moteur, "do_connect")
    def espion(_dialect, _record, _cargs, cparams):  # type: ignore[no-untyped-def]
        vus.update(cparams)
        raise ConnectionAbortedError("pas plus loin")

    with pytest.raises(ConnectionAbortedError):
        moteur.connect()
    assert vus["connect_timeout"] == 7
