"""SMTP delivery against a real server: aiosmtpd on 127.0.0.1, started by each test on a free
port. Plain SMTP, a login whose password comes from ``CPFADMIN_SMTP_PASSWORD``, STARTTLS and
implicit TLS with a certificate the client must trust, and a server that is down: the account
is created all the same, the message stays queued and is delivered on a later attempt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cpfadmin.adapters.mail import TransportSmtp
from cpfadmin.services import courrier
from tests.conftest import Horloge, json_de
from tests.support.base import executer
from tests.support.smtp import (
    ServeurSmtp,
    certificat_autosigne,
    configurer_courrier,
    contexte_serveur,
    magasin,
    messages_en_base,
    port_libre,
    temporaire_de,
)

# The test server offers AUTH without TLS on purpose (loopback only).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

SIRET = "73282932000074"
EXPEDITEUR = "ne-pas-repondre@moncompteformation.gouv.fr"


@pytest.fixture(autouse=True)
def sans_attente(monkeypatch):  # type: ignore[no-untyped-def]
    """A failed delivery is retried at once after 0.5 s then 1 s: not worth waiting for here
    (the service tests pin those pauses)."""
    monkeypatch.setitem(courrier.livrer.__kwdefaults__, "pause", lambda _duree: None)


@pytest.fixture
def organisme(cli, operateur):  # type: ignore[no-untyped-def]
    r = cli(
        "organismes",
        "add",
        "--siret",
        SIRET,
        "--raison-sociale",
        "Région Île-de-France",
        "--type",
        "conseil_regional",
    )
    assert r.exit_code == 0, r.stderr
    return SIRET


def ajouter(cli, email: str = "heloise.lefevre@example.fr"):  # type: ignore[no-untyped-def]
    return cli(
        "-o",
        "json",
        "gestionnaires",
        "add",
        "--organisme",
        SIRET,
        "--nom",
        "Lefèvre",
        "--prenom",
        "Héloïse",
        "--email",
        email,
        "--telephone-mobile",
        "0612345678",
    )


def smtp(isolation: Path, port: int, **autres: str) -> None:
    configurer_courrier(
        isolation / "config.toml",
        transport="smtp",
        host="127.0.0.1",
        port=port,
        security=autres.pop("security", "none"),
        **autres,
    )


def test_a_new_account_is_mailed_through_smtp_with_utf8_body(cli, organisme, isolation, url_base):
    with ServeurSmtp() as serveur:
        smtp(isolation, serveur.port)
        r = ajouter(cli)
        assert r.exit_code == 0, r.stderr
        identifiant = json_de(r)["identifiant"]

    (recu,) = serveur.recus
    assert recu.expediteur == EXPEDITEUR
    assert recu.destinataires == ["heloise.lefevre@example.fr"]
    assert recu.connecte_en_tant_que is None
    message = recu.message
    assert message["To"] == "heloise.lefevre@example.fr"
    assert message["From"].addresses[0].addr_spec == EXPEDITEUR
    assert message["Subject"] == "SI CPF – Votre mot de passe temporaire"
    assert message["Message-ID"] and message["Date"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    corps = message.get_content()
    assert "Bonjour Héloïse Lefèvre," in corps
    assert "(organisme Région Île-de-France)" in corps
    assert "conditions générales" in corps
    temporaire = temporaire_de(message)
    assert identifiant not in corps
    assert temporaire not in r.stdout + r.stderr
    assert not list((isolation / "data").glob("courrier/*.eml"))  # no file transport

    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "envoye" and ligne["secret"] is None


def test_smtp_login_takes_its_password_from_the_environment(
    cli, organisme, isolation, url_base, monkeypatch
):
    mot_de_passe = "relais-Secret-2026"
    monkeypatch.setenv("CPFADMIN_SMTP_PASSWORD", mot_de_passe)
    with ServeurSmtp(identifiants=("cpf-relais", mot_de_passe)) as serveur:
        smtp(isolation, serveur.port, username="cpf-relais")
        r = ajouter(cli)
        assert r.exit_code == 0, r.stderr
        assert "Avertissement" not in r.stderr

        # A wrong password: the server refuses the login, the message stays queued.
        monkeypatch.setenv("CPFADMIN_SMTP_PASSWORD", "mauvais")
        r = ajouter(cli, "paul.durand@example.fr")
        assert r.exit_code == 0, r.stderr
        assert "paul.durand@example.fr non remis" in r.stderr
        assert "mauvais" not in r.stderr and mot_de_passe not in r.stderr

    (recu,) = serveur.recus
    assert recu.connecte_en_tant_que == "cpf-relais"
    assert recu.destinataires == ["heloise.lefevre@example.fr"]
    assert serveur.authentificateur is not None
    assert serveur.authentificateur.essais[0] == ("cpf-relais", mot_de_passe)
    premier, second = messages_en_base(url_base)
    assert premier["statut"] == "envoye"
    assert second["statut"] == "en_attente" and second["tentatives"] == 1
    assert "535" in second["derniere_erreur"] or "uthentication" in second["derniere_erreur"]
    # The SMTP password is never written to the store.
    assert mot_de_passe not in str(messages_en_base(url_base))


def test_a_non_ascii_smtp_password_is_a_delivery_failure_not_a_crash(
    cli, organisme, isolation, url_base, monkeypatch
):
    """smtplib encodes AUTH in ASCII: a password such as « relais-Sécret » raises
    UnicodeEncodeError, which the transport must turn into a delivery failure (the account is
    committed by then: exit 1 "erreur inattendue" would make the administrator think it was
    not created, and the message would stay claimed without any error recorded)."""
    monkeypatch.setenv("CPFADMIN_SMTP_PASSWORD", "relais-Sécret-2026")
    with ServeurSmtp(identifiants=("cpf-relais", "relais-Sécret-2026")) as serveur:
        smtp(isolation, serveur.port, username="cpf-relais")
        r = ajouter(cli)
    assert r.exit_code == 0, r.stderr
    assert "heloise.lefevre@example.fr non remis" in r.stderr
    assert "Sécret" not in r.stderr
    assert serveur.recus == []
    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "en_attente" and ligne["tentatives"] == 1
    assert ligne["derniere_erreur"]


@pytest.fixture
def certificat(tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("cryptography")
    dossier = tmp_path / "tls"
    dossier.mkdir()
    return certificat_autosigne(dossier)


@pytest.mark.parametrize("securite", ["starttls", "ssl"])
def test_tls_delivers_to_a_trusted_server_only(
    cli, organisme, isolation, url_base, monkeypatch, certificat, securite
):
    cert, cle = certificat
    serveur_tls = contexte_serveur(cert, cle)
    options = {"tls": serveur_tls} if securite == "starttls" else {"ssl_implicite": serveur_tls}
    with ServeurSmtp(**options) as serveur:  # type: ignore[arg-type]
        smtp(isolation, serveur.port, security=securite)
        # Not trusted yet: the certificate is refused, nothing goes out in clear.
        r = ajouter(cli, "paul.durand@example.fr")
        assert r.exit_code == 0, r.stderr
        assert "non remis" in r.stderr
        assert serveur.recus == []
        # Trusted through the system's usual variable: delivered.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        r = ajouter(cli)
        assert r.exit_code == 0, r.stderr
        assert "Avertissement" not in r.stderr
    assert [m.destinataires for m in serveur.recus] == [["heloise.lefevre@example.fr"]]
    assert "Héloïse" in serveur.recus[0].message.get_content()
    statuts = [m["statut"] for m in messages_en_base(url_base)]
    assert statuts == ["en_attente", "envoye"]


def test_a_refused_connection_keeps_the_message_queued_until_a_later_attempt(
    cli, organisme, isolation, url_base, horloge: Horloge
):
    port = port_libre()  # nothing listens there
    smtp(isolation, port)
    avant = datetime.now(UTC)
    r = ajouter(cli)
    apres = datetime.now(UTC)
    assert r.exit_code == 0, r.stderr
    identifiant = json_de(r)["identifiant"]
    assert identifiant
    # -o json: the warning is one JSON line on stderr, and the reason is in French
    (avertissement,) = [json.loads(ligne)["avertissement"] for ligne in r.stderr.splitlines()]
    message = avertissement["message"]
    assert "message à heloise.lefevre@example.fr non remis" in message
    assert "connexion refusée" in message and "Connection refused" not in message
    assert "1 message(s) restent en file" in message
    assert "cpfadmin outbox send" in message

    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "en_attente"
    assert ligne["tentatives"] == 1
    assert ligne["secret"] is not None
    assert ligne["derniere_erreur"] and f"127.0.0.1:{port}" in ligne["derniere_erreur"]
    marge = timedelta(seconds=2)
    prochaine = ligne["prochaine_tentative_le"]
    assert avant + timedelta(minutes=1) - marge <= prochaine <= apres + timedelta(minutes=1) + marge

    with ServeurSmtp(port) as serveur:
        # The server is back, but the message is not due before its next attempt.
        r = cli("-o", "json", "outbox", "send")
        assert r.exit_code == 0, r.stderr
        assert json_de(r) == {"envoyes": 0, "expires": 0, "echecs": [], "en_attente": 1}
        assert serveur.recus == []
        assert messages_en_base(url_base)[0]["tentatives"] == 1

        # A minute later (the test's clock), the retry delivers it.
        horloge.instant = datetime.now(UTC)
        with magasin(url_base, horloge) as fabrique:
            rapport = courrier.livrer(fabrique, TransportSmtp("127.0.0.1", port), EXPEDITEUR)
            assert rapport.envoyes == 0
            horloge.avancer(seconds=61)
            rapport = courrier.livrer(fabrique, TransportSmtp("127.0.0.1", port), EXPEDITEUR)
            assert (rapport.envoyes, rapport.echecs, rapport.restants) == (1, [], 0)

    (recu,) = serveur.recus
    assert recu.destinataires == ["heloise.lefevre@example.fr"]
    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "envoye" and ligne["secret"] is None
    assert ligne["tentatives"] == 2 and ligne["derniere_erreur"] is None
    assert temporaire_de(recu.message) not in str(ligne)


def test_outbox_send_with_the_server_down_exits_8_with_one_french_line(
    cli, organisme, isolation, url_base
):
    port = port_libre()
    smtp(isolation, port)
    assert ajouter(cli).exit_code == 0
    # Make it due now, as if its minute had passed.
    executer(
        url_base,
        "UPDATE message SET prochaine_tentative_le = :t",
        t=datetime.now(UTC) - timedelta(seconds=1),
    )
    avant = datetime.now(UTC)
    r = cli("outbox", "send")
    apres = datetime.now(UTC)
    assert r.exit_code == 8
    lignes = r.stderr.strip().splitlines()
    assert len(lignes) == 1, r.stderr
    assert lignes[0].startswith("Erreur : 1 message(s) non remis")
    assert f"127.0.0.1:{port}" in lignes[0]
    assert "Traceback" not in r.stderr

    (ligne,) = messages_en_base(url_base)
    assert ligne["statut"] == "en_attente" and ligne["tentatives"] == 2
    # The back-off grows: two minutes after the second failure.
    marge = timedelta(seconds=2)
    prochaine = ligne["prochaine_tentative_le"]
    assert avant + timedelta(minutes=2) - marge <= prochaine <= apres + timedelta(minutes=2) + marge

    r = cli("-o", "json", "outbox", "list")
    (vue,) = json_de(r)
    assert vue["statut"] == "en_attente" and vue["tentatives"] == 2
    assert f"127.0.0.1:{port}" in vue["derniere_erreur"]


def test_outbox_send_with_the_server_down_in_json_reports_on_both_streams(
    cli, organisme, isolation, url_base
):
    smtp(isolation, port_libre())
    assert ajouter(cli).exit_code == 0
    executer(url_base, "UPDATE message SET prochaine_tentative_le = :t", t=datetime.now(UTC))
    r = cli("-o", "json", "outbox", "send")
    assert r.exit_code == 8
    rapport = json_de(r)
    assert rapport["envoyes"] == 0 and rapport["en_attente"] == 1
    ((echec,),) = [rapport["echecs"]]
    assert echec["destinataire"] == "heloise.lefevre@example.fr" and echec["erreur"]
    # stderr carries the error as JSON, and only that.
    lignes = r.stderr.strip().splitlines()
    assert len(lignes) == 1, r.stderr
    erreur = json.loads(lignes[0])["erreur"]
    assert erreur["code"] == 8 and "1 message(s) non remis" in erreur["message"]
