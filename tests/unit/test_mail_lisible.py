"""E-mails of the default ``file`` transport (issue 11, point 16): UTF-8 8-bit bodies that
``cat`` shows as they are, and file names that sort by time and name the recipient, safe on
any file system. SMTP keeps an 8-bit body for servers announcing 8BITMIME, 7-bit otherwise."""

import email
import email.policy
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cpfadmin.adapters.mail import (
    Envoi,
    TransportFichier,
    TransportSmtp,
    construire,
    nom_de_fichier,
)

CORPS = (
    "Bonjour Héloïse Lefèvre,\n\n"
    "Votre mot de passe temporaire : abcde-fghij\n"
    "Une ligne bien plus longue que soixante-dix-huit caractères, pour voir : « é à ç ù » et "
    "https://portail.example.fr/gestionnaire/premiere-connexion?jeton=1234567890\n"
)


def envoi(destinataire="heloise.lefevre@example.fr", cle="cle-1"):
    return Envoi(cle, "SI CPF <ne-pas-repondre@example.fr>", destinataire, "Accès – SI CPF", CORPS)


def lire(chemin):
    return email.message_from_bytes(chemin.read_bytes(), policy=email.policy.default)


def test_the_file_holds_a_readable_utf8_body(tmp_path):
    TransportFichier(tmp_path / "courrier").envoyer(envoi())
    (fichier,) = (tmp_path / "courrier").glob("*.eml")
    brut = fichier.read_bytes()
    texte = brut.decode("utf-8")  # what cat shows
    assert "Bonjour Héloïse Lefèvre," in texte
    assert "« é à ç ù »" in texte
    assert "Subject: Accès – SI CPF" in texte
    assert "Content-Transfer-Encoding: 8bit" in texte
    assert "quoted-printable" not in texte and "base64" not in texte
    message = lire(fichier)
    assert message.get_content() == CORPS
    assert message["To"] == "heloise.lefevre@example.fr"


def test_file_names_sort_by_time_and_name_the_recipient(tmp_path):
    TransportFichier(tmp_path / "courrier").envoyer(envoi("paul.durand@mairie.fr"))
    (fichier,) = (tmp_path / "courrier").glob("*.eml")
    assert re.fullmatch(r"\d{8}-\d{6}-paul\.durand@mairie\.fr\.eml", fichier.name), fichier.name
    # no temporary file left behind
    assert [f.name for f in (tmp_path / "courrier").iterdir()] == [fichier.name]


def test_file_names_carry_the_paris_time_whatever_the_machines_zone(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        avant = datetime.now(ZoneInfo("Europe/Paris")).replace(microsecond=0)
        TransportFichier(tmp_path / "courrier").envoyer(envoi("paul.durand@mairie.fr"))
        apres = datetime.now(ZoneInfo("Europe/Paris"))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    (fichier,) = (tmp_path / "courrier").glob("*.eml")
    quand = datetime.strptime(fichier.name[:15], "%Y%m%d-%H%M%S").replace(
        tzinfo=ZoneInfo("Europe/Paris")
    )
    assert avant <= quand <= apres, (fichier.name, avant, apres)


def test_two_messages_in_the_same_second_get_two_files(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "cpfadmin.adapters.mail.nom_de_fichier", lambda d, q: f"20261202-104312-{d}"
    )
    transport = TransportFichier(tmp_path / "courrier")
    for i in range(3):
        transport.envoyer(envoi("paul.durand@mairie.fr", cle=f"c{i}"))
    noms = sorted(f.name for f in (tmp_path / "courrier").glob("*.eml"))
    assert len(noms) == 3
    assert "20261202-104312-paul.durand@mairie.fr.eml" in noms
    for nom in set(noms) - {"20261202-104312-paul.durand@mairie.fr.eml"}:
        assert re.fullmatch(r"20261202-104312-paul\.durand@mairie\.fr-[0-9a-f]{4}\.eml", nom)


@pytest.mark.parametrize(
    "destinataire",
    ["../../etc/passwd@x.fr", "a/b@x.fr", "a\\b@x.fr", "é\x00\n\tx@x.fr", "CON:@x.fr", "." * 5,
     "x" * 300 + "@x.fr"],
)  # fmt: skip
def test_the_name_is_safe_for_any_file_system(destinataire):
    nom = nom_de_fichier(destinataire, datetime(2026, 12, 2, 10, 43, 12))
    assert nom.startswith("20261202-104312-")
    assert not set(nom) & set('/\\:*?"<>|\x00\n\t')
    assert all(c.isprintable() for c in nom)
    assert ".." not in nom.removeprefix("20261202-104312-")[:2]
    assert len(nom) <= 120


def test_a_seven_bit_message_for_servers_without_8bitmime():
    message = construire(envoi(), huit_bits=False)
    brut = bytes(message)
    brut.decode("ascii")  # nothing 8-bit on the wire
    assert message["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    relu = email.message_from_bytes(brut, policy=email.policy.default)
    assert relu.get_content() == CORPS


class _Connexion:
    def __init__(self, extensions):
        self.extensions, self.envoyes = extensions, []

    def has_extn(self, nom):
        return nom.lower() in self.extensions

    def send_message(self, message, mail_options=()):
        self.envoyes.append((message, list(mail_options)))

    def quit(self):
        pass


@pytest.mark.parametrize(
    ("extensions", "cte", "options"),
    [({"8bitmime"}, "8bit", ["BODY=8BITMIME"]), (set(), None, [])],
    ids=["8bitmime", "7bit"],
)
def test_smtp_sends_8bit_only_to_a_server_that_announces_it(monkeypatch, extensions, cte, options):
    connexion = _Connexion(extensions)
    transport = TransportSmtp("127.0.0.1", 25)
    monkeypatch.setattr(transport, "_connecter", lambda: connexion)
    transport.envoyer(envoi())
    ((message, mail_options),) = connexion.envoyes
    assert mail_options == options
    if cte:
        assert message["Content-Transfer-Encoding"] == cte
    else:
        assert message["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
