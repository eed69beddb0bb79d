"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1 and a free port, in a thread
of its own, that keeps every message it receives. Also: free ports, the ``[mail]`` section of
the test's configuration, a self-signed certificate for the TLS cases, and reading ``.eml``."""

from __future__ import annotations

import asyncio
import email
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import text

TEMPORAIRE = re.compile(r"\b[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}\b")


def port_libre() -> int:
    """A port nobody listens on (the kernel's pick for a socket bound to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lire_message(brut: bytes) -> EmailMessage:
    return email.message_from_bytes(brut, policy=policy.default)  # type: ignore[return-value]


def temporaire_de(message: EmailMessage) -> str:
    corps = message.get_content()
    trouves = TEMPORAIRE.findall(corps)
    assert len(trouves) == 1, corps
    return str(trouves[0])


@dataclass
class Recu:
    expediteur: str
    destinataires: list[str]
    brut: bytes
    connecte_en_tant_que: str | None

    @property
    def message(self) -> EmailMessage:
        return lire_message(self.brut)


@dataclass
class _Gestionnaire:
    delai: float = 0.0
    recus: list[Recu] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delai:
            await asyncio.sleep(self.delai)
        login = None
        if session.auth_data is not None:
            login = session.auth_data.login.decode()
        self.recus.append(
            Recu(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content), login)
        )
        return "250 OK message accepté"


class _Authentificateur:
    def __init__(self, utilisateur: str, mot_de_passe: str) -> None:
        self.utilisateur, self.mot_de_passe = utilisateur, mot_de_passe
        self.essais: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, mot = auth_data.login.decode(), auth_data.password.decode()
        self.essais.append((login, mot))
        ok = (login, mot) == (self.utilisateur, self.mot_de_passe)
        # handled=False: aiosmtpd answers (235 or 535) itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class ServeurSmtp:
    """``with ServeurSmtp(port) as serveur: … serveur.recus``. ``identifiants`` makes it ask
    for a login (AUTH PLAIN/LOGIN, offered without TLS for the test); ``tls`` (a server
    context) offers STARTTLS, ``ssl`` (a server context) speaks TLS from the first byte."""

    def __init__(
        self,
        port: int | None = None,
        *,
        identifiants: tuple[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        ssl_implicite: ssl.SSLContext | None = None,
        delai: float = 0.0,
    ) -> None:
        self.port = port or port_libre()
        self.gestionnaire = _Gestionnaire(delai)
        self.authentificateur = _Authentificateur(*identifiants) if identifiants else None
        options: dict[str, Any] = {}
        if self.authentificateur is not None:
            options.update(
                authenticator=self.authentificateur, auth_require_tls=False, auth_required=True
            )
        if tls is not None:
            options.update(tls_context=tls, require_starttls=True)
        self.controleur = Controller(
            self.gestionnaire,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=ssl_implicite,
            server_hostname="localhost" if ssl_implicite else None,
            ready_timeout=5.0,
            **options,
        )

    @property
    def recus(self) -> list[Recu]:
        return self.gestionnaire.recus

    def __enter__(self) -> ServeurSmtp:
        self.controleur.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controleur.stop()


def configurer_courrier(configuration: Path, **valeurs: Any) -> None:
    """Append ``[profiles.default.mail]`` to the test's config.toml."""
    lignes = ["", "[profiles.default.mail]"]
    for cle, valeur in valeurs.items():
        if isinstance(valeur, int):
            lignes.append(f"{cle} = {valeur}")
        else:
            lignes.append(f'{cle} = "{valeur}"')
    with configuration.open("a", encoding="utf-8") as f:
        f.write("\n".join(lignes) + "\n")


def certificat_autosigne(dossier: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` and 127.0.0.1 (PEM certificate, key)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cle = ec.generate_private_key(ec.SECP256R1())
    nom = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    maintenant = datetime.datetime.now(datetime.UTC)
    certificat = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(nom)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - datetime.timedelta(minutes=5))
        .not_valid_after(maintenant + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(cle, hashes.SHA256())
    )
    chemin_cert, chemin_cle = dossier / "serveur.pem", dossier / "serveur.key"
    chemin_cert.write_bytes(certificat.public_bytes(serialization.Encoding.PEM))
    chemin_cle.write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chemin_cert, chemin_cle


def contexte_serveur(certificat: Path, cle: Path) -> ssl.SSLContext:
    contexte = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    contexte.load_cert_chain(certificat, cle)
    return contexte


# --- the store, seen from the tests ---------------------------------------------------------------
COLONNES_MESSAGE = (
    "id, compte_id, destinataire, sujet, corps, secret, statut, tentatives, "
    "prochaine_tentative_le, derniere_erreur, cree_le, envoye_le, expire_le"
)


def instant(valeur: Any) -> datetime | None:
    """A timestamp read with plain SQL: SQLite gives naive UTC text, PostgreSQL aware values."""
    if valeur is None:
        return None
    if isinstance(valeur, str):
        valeur = datetime.fromisoformat(valeur)
    return valeur if valeur.tzinfo else valeur.replace(tzinfo=UTC)


def messages_en_base(url: str) -> list[dict[str, Any]]:
    """Every row of the ``message`` table, read behind cpfadmin's back, oldest first."""
    from tests.support.base import connexion

    with connexion(url) as c:
        resultat = c.execute(text(f"SELECT {COLONNES_MESSAGE} FROM message ORDER BY id"))
        lignes = [dict(r._mapping) for r in resultat]
    for ligne in lignes:
        for cle in ("prochaine_tentative_le", "cree_le", "envoye_le", "expire_le"):
            ligne[cle] = instant(ligne[cle])
    return lignes


@contextmanager
def magasin(url: str, horloge: Callable[[], datetime] | None = None) -> Iterator[Any]:
    """A factory of cpfadmin units of work on the test's store, with the given clock."""
    from cpfadmin.store.engine import creer_moteur
    from cpfadmin.store.uow import UniteDeTravail, horloge_systeme

    moteur = creer_moteur(url)
    try:
        yield lambda: UniteDeTravail(moteur, horloge or horloge_systeme)
    finally:
        moteur.dispose()
