"""Issue 13, points 1 and 5: the security policy is the system's (held by the store, shown by
``cpfadmin politique show``, changed by an operator with ``politique set``, bounded and
audited; nothing in a user's ``config.toml`` relaxes it), and a lock is no denial of service
(``gestionnaires unlock`` by whoever may renew, a failure-reset window, an e-mail to the owner).

Through the installed CLI (a ``cpfadmin`` process), on the test's store: SQLite, or PostgreSQL
in the store-dependent pass. The world (the operator, an employer, its principal admin) is
built once per session in-process, then each test acts as a script would, with
``CPFADMIN_TOKEN``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ajouter_configuration
from tests.support.base import executer, lignes
from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    corps,
    courriels,
    dernier_evenement,
    evenements,
)
from tests.support.processus import Resultat, cpfadmin, sans_trace


def _en(jeton: str, *args: str, entree: str = "") -> Resultat:
    return cpfadmin(*args, entree=entree, env={"CPFADMIN_TOKEN": jeton})


def _login(identifiant: str, mot_de_passe: str) -> Resultat:
    return cpfadmin("login", identifiant, "--password-stdin", entree=f"{mot_de_passe}\n")


def _vieillir_sessions(url: str, duree: timedelta) -> None:
    """Every open session was last seen ``duree`` ago (and created then)."""
    quand = datetime.now(UTC) - duree
    executer(url, "UPDATE session SET vue_le = :q, cree_le = :q WHERE revoquee_le IS NULL", q=quand)


@pytest.fixture
def gestionnaire_inscrit(employeur):
    """A gestionnaire of the employer, first login done: (identifiant, token)."""
    adresse = "paul.durand@lumiere.example"
    identifiant = employeur.console.ajouter(employeur.jeton_ap, "Durand", "Paul", adresse)
    jeton = employeur.console.premiere_connexion(identifiant, adresse, MOT_DE_PASSE_GESTIONNAIRE)
    return identifiant, jeton


# --- point 1: the policy is the store's --------------------------------------------------------
def test_politique_show_lists_every_key_with_its_value_default_and_bounds(employeur):
    r = _en(employeur.op, "-o", "json", "politique", "show")
    assert r.code == 0, r
    vue = {ligne["cle"]: ligne for ligne in r.json()}
    assert vue["session_idle_minutes"]["valeur"] == 60
    assert vue["session_idle_minutes"]["bornes"] == "de 5 à 240 minutes"
    assert vue["session_absolute_hours"]["bornes"] == "de 1 à 24 heures"
    assert vue["bcrypt_cost"]["bornes"] == "de 10 à 15"
    # The suite's stores hold cost 4, written in the store as its owner may: shown as such.
    assert vue["bcrypt_cost"]["valeur"] == 4 and vue["bcrypt_cost"]["hors_bornes"] is True
    assert "bcrypt_cost" in r.stderr and "hors bornes" in r.stderr
    # Every account may read it: it applies to everyone.
    r = _en(employeur.jeton_ap, "politique", "show")
    assert r.code == 0, r
    assert "Inactivité qui met fin à une session" in r.stdout


@pytest.mark.parametrize(
    ("cle", "valeur"),
    [
        ("session_idle_minutes", "1e8"),
        ("session_idle_minutes", "4"),
        ("session_absolute_hours", "100000"),
        ("bcrypt_cost", "9"),
        ("bcrypt_cost", "16"),
        ("lockout_threshold", "1000"),
        ("temporary_password_days", "nan"),
        ("session_idle_minutes", "inf"),
        ("mail_file_transport_shared", "peut-être"),
    ],
)
def test_politique_set_refuses_a_value_outside_its_bounds(employeur, cle, valeur):
    avant = lignes(employeur.url, "SELECT cle, valeur FROM politique ORDER BY cle")
    r = _en(employeur.op, "politique", "set", cle, valeur)
    assert r.code == 7, r
    assert cle in r.stderr
    sans_trace(r)
    assert lignes(employeur.url, "SELECT cle, valeur FROM politique ORDER BY cle") == avant


def test_an_unknown_key_is_refused_with_the_closest_one(employeur):
    r = _en(employeur.op, "politique", "set", "session_idle_minute", "30")
    assert r.code == 7, r
    assert "vouliez-vous dire « session_idle_minutes »" in r.stderr


def test_only_an_operator_changes_the_policy_and_each_change_is_audited(
    employeur, gestionnaire_inscrit
):
    for jeton in (employeur.jeton_ap, gestionnaire_inscrit[1]):
        r = _en(jeton, "politique", "set", "session_idle_minutes", "30")
        assert r.code == 4, r
    r = _en(employeur.op, "-o", "json", "politique", "set", "session_idle_minutes", "30")
    assert r.code == 0, r
    assert r.json() == {
        "cle": "session_idle_minutes",
        "valeur": 30,
        "avant": 60,
        "modifie": True,
    }
    evenement = dernier_evenement(employeur.url, "politique_modifiee")
    assert evenement["details"] == {"cle": "session_idle_minutes", "avant": 60, "apres": 30}
    assert evenement["acteur"] is not None
    vue = {
        ligne["cle"]: ligne for ligne in _en(employeur.op, "-o", "json", "politique", "show").json()
    }
    assert vue["session_idle_minutes"]["valeur"] == 30
    assert vue["session_idle_minutes"]["modifie_par"] == evenement["acteur"]
    # The same value again changes nothing and audits nothing.
    n = len(evenements(employeur.url, "politique_modifiee"))
    assert _en(employeur.op, "politique", "set", "session_idle_minutes", "30").code == 0
    assert len(evenements(employeur.url, "politique_modifiee")) == n


def test_the_callers_config_cannot_revive_an_idle_session(employeur):
    # The attack of the review: session_idle_minutes = 1e8 in the token holder's own file, and a
    # session idle for 2 h came back to life.
    ajouter_configuration("[profiles.default.policy]\nsession_idle_minutes = 1e8\n")
    _vieillir_sessions(employeur.url, timedelta(hours=2))
    r = _en(employeur.jeton_ap, "me")
    assert r.code == 3, r
    assert "session_idle_minutes ignoré(s)" in r.stderr
    assert "cpfadmin politique" in r.stderr


def test_the_callers_config_cannot_lengthen_a_session(employeur):
    ajouter_configuration("[profiles.default.policy]\nsession_absolute_hours = 100000\n")
    r = _login(employeur.ap, MOT_DE_PASSE_ADMIN)
    assert r.code == 0, r
    r = cpfadmin("-o", "json", "me")
    assert r.code == 0, r
    expire = datetime.fromisoformat(r.json()["session_expire_le"])
    assert expire <= datetime.now(UTC) + timedelta(hours=12, minutes=1)


def test_the_stores_policy_applies_to_every_session_at_the_next_command(employeur):
    assert _en(employeur.op, "politique", "set", "session_idle_minutes", "5").code == 0
    _vieillir_sessions(employeur.url, timedelta(minutes=10))
    r = _en(employeur.jeton_ap, "me")
    assert r.code == 3, r
    assert "inactivité" in r.stderr.lower() or "expirée" in r.stderr.lower()


# --- point 5: lockout without denial of service ------------------------------------------------
def _verrouiller(identifiant: str, fois: int = 5) -> None:
    for _ in range(fois):
        r = _login(identifiant, "Pas-Le-Bon-Mot-De-Passe-1!")
        assert r.code == 3, r


def test_unlock_lifts_the_lock_and_keeps_the_password(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    _verrouiller(identifiant)
    # Locked: even the right password is refused, with the one message of a failure.
    r = _login(identifiant, MOT_DE_PASSE_GESTIONNAIRE)
    assert r.code == 3, r

    r = cpfadmin("-o", "json", "gestionnaires", "unlock", identifiant,
                 env={"CPFADMIN_TOKEN": employeur.jeton_ap})  # fmt: skip
    assert r.code == 0, r
    assert r.json()["deverrouille"] is True
    evenement = dernier_evenement(employeur.url, "compte_deverrouille")
    assert evenement["cible"] == identifiant and evenement["acteur"] == employeur.ap
    assert evenement["details"]["etait_verrouille"] is True
    # The password was not voided (FreeIPA's user-unlock): it opens the account again.
    r = _login(identifiant, MOT_DE_PASSE_GESTIONNAIRE)
    assert r.code == 0, r
    assert "nouveau mot de passe" not in r.stderr.lower()


def test_unlock_an_account_that_is_not_locked_says_so(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    r = _en(employeur.jeton_ap, "gestionnaires", "unlock", identifiant)
    assert r.code == 0, r
    assert "n'était pas verrouillé" in r.stderr


def test_unlock_follows_the_renewal_hierarchy(employeur, gestionnaire_inscrit):
    identifiant, jeton_g = gestionnaire_inscrit
    _verrouiller(employeur.ap)
    # A gestionnaire unlocks nobody; nobody unlocks the principal admin but an operator.
    r = _en(jeton_g, "gestionnaires", "unlock", employeur.ap)
    assert r.code == 4, r
    r = _en(employeur.op, "gestionnaires", "unlock", employeur.ap)
    assert r.code == 0, r
    assert _login(employeur.ap, MOT_DE_PASSE_ADMIN).code == 0
    # Nobody unlocks themselves (a locked session-holder would undo his own lock).
    _verrouiller(identifiant)
    r = _en(jeton_g, "gestionnaires", "unlock", identifiant)
    assert r.code == 4, r


def test_the_owner_is_told_by_email_when_the_account_locks(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    _verrouiller(identifiant)
    # The next command of an administrator delivers the queue (SPEC §4).
    assert _en(employeur.jeton_ap, "outbox", "send").code == 0
    avis = [m for m in courriels() if m["Subject"] == "SI CPF – Votre compte a été verrouillé"]
    assert [m["To"] for m in avis] == ["paul.durand@lumiere.example"]
    texte = corps(avis[0])
    assert identifiant in texte and "5 tentatives" in texte
    assert "heure de Paris" in texte and f"cpfadmin gestionnaires unlock {identifiant}" in texte
    assert MOT_DE_PASSE_GESTIONNAIRE not in texte


def test_the_lockout_threshold_is_the_stores(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    assert _en(employeur.op, "politique", "set", "lockout_threshold", "3").code == 0
    _verrouiller(identifiant, fois=3)
    assert _login(identifiant, MOT_DE_PASSE_GESTIONNAIRE).code == 3  # locked after 3


def test_failures_and_lock_level_decay_after_the_quiet_period(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    _verrouiller(identifiant, fois=4)
    # Then nothing for longer than the failure-reset window (12 h by default).
    il_y_a = datetime.now(UTC) - timedelta(hours=13)
    executer(employeur.url, "UPDATE compte SET dernier_echec_le = :q WHERE identifiant = :i",
             q=il_y_a, i=identifiant)  # fmt: skip
    _verrouiller(identifiant, fois=1)
    # The fifth failure of the account, but the first since the quiet period: no lock.
    assert _login(identifiant, MOT_DE_PASSE_GESTIONNAIRE).code == 0

    # A high lock level (the 8th lock would last 24 h) decays the same way.
    executer(
        employeur.url,
        "UPDATE compte SET verrouillages = 7, verrouille_jusqua = :fin, dernier_echec_le = :q "
        "WHERE identifiant = :i",
        fin=datetime.now(UTC) - timedelta(hours=1),
        q=il_y_a,
        i=identifiant,
    )
    _verrouiller(identifiant)
    assert dernier_evenement(employeur.url, "compte_verrouille")["details"] == {"duree_minutes": 15}


def test_without_the_quiet_period_the_lock_level_still_doubles(employeur, gestionnaire_inscrit):
    identifiant, _ = gestionnaire_inscrit
    executer(
        employeur.url,
        "UPDATE compte SET verrouillages = 2, verrouille_jusqua = :fin, dernier_echec_le = :q "
        "WHERE identifiant = :i",
        fin=datetime.now(UTC) - timedelta(minutes=1),
        q=datetime.now(UTC) - timedelta(hours=1),
        i=identifiant,
    )
    _verrouiller(identifiant)
    assert dernier_evenement(employeur.url, "compte_verrouille")["details"] == {"duree_minutes": 60}
