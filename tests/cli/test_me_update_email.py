"""Issue 13, point 11: ``me update --email`` moves the channel temporary passwords go to, so it
asks the current password (OWASP ASVS 3.7.1), checked as ``password change`` checks it, and
the former address is told, by a message queued with the change and delivered at once."""

from __future__ import annotations

import json

import pytest

from tests.support.base import lignes
from tests.support.console import (
    MOT_DE_PASSE_ADMIN,
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_EMPLOYEUR,
    corps,
    courriels,
    dernier_evenement,
    empreinte,
    erreur_en_une_ligne,
    evenements,
    sessions_ouvertes,
)

ANCIENNE = "paul.durand@lumiere.example"
NOUVELLE = "paul.durand@lumiere-transports.example"
MAUVAIS = "Pas-Le-Bon-Mot-De-Passe-1!"
SUJET = "SI CPF – Modification de votre adresse e-mail"


@pytest.fixture
def gestionnaire(employeur):
    """Paul Durand, gestionnaire of the employer, logged in: (identifiant, token)."""
    g = employeur.console.ajouter(employeur.jeton_ap, "Durand", "Paul", ANCIENNE)
    return g, employeur.console.premiere_connexion(g, ANCIENNE, MOT_DE_PASSE_GESTIONNAIRE)


def changer_email(employeur, jeton, mot_de_passe, *options, adresse=NOUVELLE):
    return employeur.console(
        *options, "me", "update", "--email", adresse, "--password-stdin",
        jeton=jeton, input=mot_de_passe + "\n",
    )  # fmt: skip


def avis() -> list:
    return [m for m in courriels() if m["Subject"] == SUJET]


def email_de(employeur, jeton) -> str:
    return employeur.console.json("me", jeton=jeton)["email"]


def messages_en_file(url: str) -> list[tuple[str, str]]:
    return [tuple(m) for m in lignes(url, "SELECT destinataire, sujet FROM message ORDER BY id")]


def test_a_new_address_takes_the_current_password_and_the_old_one_is_told(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    r = changer_email(employeur, jeton_g, MOT_DE_PASSE_GESTIONNAIRE)
    assert r.exit_code == 0, r.stderr
    assert NOUVELLE in r.stdout
    assert f"un avis part à l'ancienne adresse, {ANCIENNE}." in r.stderr
    assert email_de(employeur, jeton_g) == NOUVELLE
    # Delivered at once, to the former address only, though a gestionnaire sees no outbox.
    (message,) = avis()
    assert message["To"] == ANCIENNE
    texte = corps(message)
    assert texte.startswith("Bonjour Paul Durand,")
    assert "(organisme\nTransports Lumière SAS) a été modifiée le " in texte
    assert "(heure de Paris)" in texte
    assert "Nouvelle adresse : p***@l***.example" in texte
    assert NOUVELLE not in texte  # masked: the old owner recognises it, nobody learns it
    assert "contactez sans attendre votre administrateur" in texte
    assert not [m for m in courriels() if m["To"] == NOUVELLE]
    statut = lignes(
        employeur.url, "SELECT destinataire, statut, secret FROM message WHERE sujet = :s", s=SUJET
    )
    assert statut == [(ANCIENNE, "envoye", None)]
    e = dernier_evenement(employeur.url, "email_modifie")
    assert (e["acteur"], e["organisme"], e["cible"]) == (g, SIRET_EMPLOYEUR, g)
    assert e["details"] == {
        "avant": {"email": ANCIENNE},
        "apres": {"email": NOUVELLE},
        "reauthentifie": True,
        "avis_envoye_a": ANCIENNE,
    }
    assert MOT_DE_PASSE_GESTIONNAIRE not in json.dumps(evenements(employeur.url))


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failure(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    avant = empreinte(employeur.url)
    r = changer_email(employeur, jeton_g, MAUVAIS)
    assert r.exit_code == 3  # as password change's wrong current password
    assert erreur_en_une_ligne(r) == "Erreur : Mot de passe actuel incorrect."
    assert email_de(employeur, jeton_g) == ANCIENNE
    assert not avis()
    # Only the failure was written: one audit event, counted toward the lockout.
    assert empreinte(employeur.url) == {**avant, "evenement_audit": avant["evenement_audit"] + 1}
    e = dernier_evenement(employeur.url, "connexion_echec")
    assert (e["cible"], e["details"]) == (g, {"motif": "mot_de_passe_actuel_incorrect"})
    assert lignes(
        employeur.url, "SELECT echecs_consecutifs FROM compte WHERE identifiant = :i", i=g
    ) == [(1,)]


@pytest.mark.parametrize("options", [("--no-input",), ()], ids=["--no-input", "sans terminal"])
def test_without_a_prompt_the_password_must_come_from_password_stdin(
    employeur, gestionnaire, options
):
    _, jeton_g = gestionnaire
    avant = empreinte(employeur.url)
    r = employeur.console(*options, "me", "update", "--email", NOUVELLE, jeton=jeton_g)
    assert r.exit_code == 2
    message = erreur_en_une_ligne(r)
    assert "Mot de passe actuel requis" in message and "--password-stdin" in message
    r = employeur.console(
        *options, "me", "update", "--email", NOUVELLE, "--password-stdin", jeton=jeton_g, input=""
    )
    assert r.exit_code == 2 and "le mot de passe actuel" in erreur_en_une_ligne(r)
    assert empreinte(employeur.url) == avant
    # A bad address is said before any password is asked for.
    r = employeur.console(*options, "me", "update", "--email", "pas-une-adresse", jeton=jeton_g)
    assert r.exit_code == 7


def test_phones_alone_ask_no_password_and_send_nothing(employeur, gestionnaire):
    _, jeton_g = gestionnaire
    envoyes = messages_en_file(employeur.url)
    r = employeur.console(
        "--no-input", "me", "update", "--telephone-fixe", "01 40 20 30 40", jeton=jeton_g
    )
    assert r.exit_code == 0, r.stderr
    assert "01 40 20 30 40" in r.stdout
    assert messages_en_file(employeur.url) == envoyes
    assert not evenements(employeur.url, "email_modifie")


def test_the_same_address_asks_nothing_and_sends_nothing(employeur, gestionnaire):
    _, jeton_g = gestionnaire
    avant = empreinte(employeur.url)
    r = employeur.console("--no-input", "me", "update", "--email", ANCIENNE, jeton=jeton_g)
    assert r.exit_code == 0, r.stderr
    assert "Rien à modifier" in r.stderr
    assert empreinte(employeur.url) == avant
    # Another spelling of the same mailbox is kept, without a password or a notice.
    r = employeur.console(
        "--no-input", "me", "update", "--email", "Paul.Durand@Lumiere.example", jeton=jeton_g
    )
    assert r.exit_code == 0, r.stderr
    assert email_de(employeur, jeton_g) == "Paul.Durand@lumiere.example"
    assert not avis() and not evenements(employeur.url, "email_modifie")


def test_wrong_passwords_here_and_in_password_change_lock_the_account_together(
    employeur, gestionnaire
):
    g, jeton_g = gestionnaire
    for _ in range(4):
        r = changer_email(employeur, jeton_g, MAUVAIS)
        assert r.exit_code == 3 and "Mot de passe actuel incorrect." in r.stderr
    # The fifth failure, in password change, locks: one counter for both commands.
    r = employeur.console(
        "password", "change", "--password-stdin", jeton=jeton_g,
        input=f"{MAUVAIS}\nUne-Autre-Phrase-Solide-2027!\n",
    )  # fmt: skip
    assert r.exit_code == 3
    assert "le compte est maintenant verrouillé" in r.stderr
    assert sessions_ouvertes(employeur.url, g) == 0
    assert employeur.console("me", jeton=jeton_g).exit_code == 3
    r = employeur.console("login", g, "--password-stdin", input=MOT_DE_PASSE_GESTIONNAIRE + "\n")
    assert r.exit_code == 3
    assert not avis()


def test_the_locking_failure_ends_every_session_of_the_account(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    autre = employeur.console.connecter(g, MOT_DE_PASSE_GESTIONNAIRE)
    for _ in range(4):
        assert changer_email(employeur, jeton_g, MAUVAIS).exit_code == 3
    r = changer_email(employeur, jeton_g, MAUVAIS)
    assert r.exit_code == 3
    assert "le compte est maintenant verrouillé" in r.stderr
    assert "toutes ses sessions sont terminées" in r.stderr
    assert sessions_ouvertes(employeur.url, g) == 0
    assert employeur.console("me", jeton=autre).exit_code == 3
    assert dernier_evenement(employeur.url, "compte_verrouille")["cible"] == g


def test_a_locked_account_is_refused_even_with_the_right_password(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    for _ in range(5):  # someone guesses at the login; the session in hand stays open
        r = employeur.console("login", g, "--password-stdin", input=MAUVAIS + "\n")
        assert r.exit_code == 3
    assert sessions_ouvertes(employeur.url, g) >= 1
    r = changer_email(employeur, jeton_g, MOT_DE_PASSE_GESTIONNAIRE)
    assert r.exit_code == 3
    assert "verrouillé" in erreur_en_une_ligne(r)
    assert sessions_ouvertes(employeur.url, g) == 0
    assert lignes(employeur.url, "SELECT email FROM compte WHERE identifiant = :i", i=g) == [
        (ANCIENNE,)
    ]
    assert not avis()


def test_a_right_password_resets_the_failure_count(employeur, gestionnaire):
    g, jeton_g = gestionnaire
    for _ in range(4):
        assert changer_email(employeur, jeton_g, MAUVAIS).exit_code == 3
    assert changer_email(employeur, jeton_g, MOT_DE_PASSE_GESTIONNAIRE).exit_code == 0
    assert lignes(
        employeur.url, "SELECT echecs_consecutifs FROM compte WHERE identifiant = :i", i=g
    ) == [(0,)]


def test_json_output_keeps_its_keys_and_an_operator_is_told_too(cli, operateur):
    r = cli(
        "-o", "json", "me", "update", "--email", "alice.martin@cdc.example", "--password-stdin",
        input=MOT_DE_PASSE_ADMIN + "\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {
        "email": "alice.martin@cdc.example",
        "telephone_fixe": None,
        "telephone_mobile": "+33612345678",
    }
    assert r.stderr == ""
    (message,) = avis()
    assert message["To"] == "alice.martin@caissedesdepots.fr"
    assert "Nouvelle adresse : a***@c***.example" in corps(message)


@pytest.mark.sqlite_only  # the subprocess finds the store through CPFADMIN_HOME
def test_at_a_terminal_the_password_is_asked_at_a_hidden_prompt_and_phones_ask_nothing(
    operateur,
):
    import keyring

    from tests.support.terminal import Terminal

    env = {"CPFADMIN_TOKEN": keyring.get_password("cpfadmin", f"default:{operateur}")}
    terminal = Terminal(["me", "update", "--email", "alice.martin@cdc.example"], env=env)
    terminal.attendre(r"Mot de passe actuel: $")  # the trailing space: echo is off
    terminal.taper(MOT_DE_PASSE_ADMIN + "\n")
    assert terminal.fin() == 0, terminal.lu
    assert MOT_DE_PASSE_ADMIN not in terminal.lu
    assert "un avis part à l'ancienne adresse, alice.martin@caissedesdepots.fr." in terminal.lu
    terminal = Terminal(["me", "update", "--telephone-fixe", "01 40 20 30 40"], env=env)
    assert terminal.fin() == 0, terminal.lu
    assert "Mot de passe" not in terminal.lu


def test_through_the_installed_cli_the_password_comes_from_stdin_and_a_wrong_one_counts(
    employeur, gestionnaire
):
    from tests.support.processus import cpfadmin

    g, jeton_g = gestionnaire

    def changer(mot_de_passe: str, *options: str):  # type: ignore[no-untyped-def]
        return cpfadmin(*options, "me", "update", "--email", NOUVELLE, "--password-stdin",
                        entree=mot_de_passe + "\n", env={"CPFADMIN_TOKEN": jeton_g})  # fmt: skip

    r = changer(MAUVAIS)
    assert r.code == 3, r
    assert email_de(employeur, jeton_g) == ANCIENNE and not avis()
    assert lignes(employeur.url, "SELECT echecs_consecutifs FROM compte WHERE identifiant = :i",
                  i=g) == [(1,)]  # fmt: skip
    r = cpfadmin("--no-input", "me", "update", "--email", NOUVELLE,
                 env={"CPFADMIN_TOKEN": jeton_g})  # fmt: skip
    assert r.code == 2, r
    assert "--password-stdin" in r.stderr
    r = changer(MOT_DE_PASSE_GESTIONNAIRE)
    assert r.code == 0, r
    assert email_de(employeur, jeton_g) == NOUVELLE
    assert [m["To"] for m in avis()] == [ANCIENNE]


def test_an_administrator_changing_the_address_tells_the_former_one_too(employeur, gestionnaire):
    g, _ = gestionnaire
    r = employeur.console(
        "gestionnaires", "update", g, "--email", NOUVELLE, jeton=employeur.jeton_ap
    )
    assert r.exit_code == 0, r.stderr
    (message,) = avis()
    assert message["To"] == ANCIENNE
    assert "Nouvelle adresse : p***@l***.example" in corps(message)
    # A new spelling of the same mailbox is no change of channel: no notice.
    r = employeur.console(
        "gestionnaires", "update", g, "--email", NOUVELLE.upper(), jeton=employeur.jeton_ap
    )
    assert r.exit_code == 0, r.stderr
    assert len(avis()) == 1
