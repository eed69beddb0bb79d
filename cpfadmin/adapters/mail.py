"""Mail transports (SPEC §4): ``file`` writes one ``.eml`` per message in a directory (the
embedded setup works with no mail server); ``smtp`` speaks to a server, with STARTTLS or SSL
and a login. The SMTP password comes from ``CPFADMIN_SMTP_PASSWORD``, never from the
configuration file."""

from __future__ import annotations

import contextlib
import email.policy
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from cpfadmin.domain.errors import raison_systeme

PARIS = ZoneInfo("Europe/Paris")


class ErreurTransport(Exception):
    """Delivery failed; the message stays queued for another attempt."""


@dataclass(frozen=True)
class Envoi:
    cle: str  # a unique id, for file names and Message-ID
    expediteur: str
    destinataire: str
    sujet: str
    corps: str


# The file transport writes what ``cat`` shows as is: UTF-8 headers and an 8-bit body.
POLITIQUE_FICHIER = email.policy.default.clone(utf8=True, cte_type="8bit")
POLITIQUE_7_BITS = email.policy.default.clone(cte_type="7bit")


def construire(envoi: Envoi, *, huit_bits: bool = True) -> EmailMessage:
    """The message; its body in 8-bit UTF-8 (readable in the file), or, for a server without
    8BITMIME, in whatever 7-bit encoding suits the text."""
    message = EmailMessage() if huit_bits else EmailMessage(policy=POLITIQUE_7_BITS)
    message["From"] = envoi.expediteur
    message["To"] = envoi.destinataire
    message["Subject"] = envoi.sujet
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=envoi.cle, domain="cpfadmin.local")
    message["Auto-Submitted"] = "auto-generated"
    if huit_bits:
        message.set_content(envoi.corps, charset="utf-8", cte="8bit")
    else:
        message.set_content(envoi.corps, charset="utf-8")
    return message


def nom_de_fichier(destinataire: str, quand: datetime) -> str:
    """``20261202-104312-paul.durand@mairie.fr``: sorts by time (Paris time, as in the
    message's own text, whatever the machine's zone), names the recipient, safe on
    any file system (no separator, control or reserved character, bounded length)."""
    sur = "".join(
        c if (c.isalnum() or c in "@.+-_") and c.isprintable() else "_" for c in destinataire
    )
    sur = sur.strip(".")[:100] or "destinataire"
    return f"{quand.strftime('%Y%m%d-%H%M%S')}-{sur}"


class Transport(Protocol):
    description: str

    def envoyer(self, envoi: Envoi) -> None: ...

    def fermer(self) -> None: ...


class TransportFichier:
    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.description = f"fichiers .eml dans {dossier}"

    def envoyer(self, envoi: Envoi) -> None:
        try:
            self.dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
            base = nom_de_fichier(envoi.destinataire, datetime.now(PARIS))
            temporaire = self.dossier / f".{base}-{secrets.token_hex(4)}.tmp"
            # The message carries a secret: readable by its owner only.
            descripteur = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descripteur, "wb") as f:
                f.write(construire(envoi).as_bytes(policy=POLITIQUE_FICHIER))
            self._publier(temporaire, base)
        except OSError as e:
            raise ErreurTransport(
                f"écriture impossible dans {self.dossier} : {raison_systeme(e)}"
            ) from e

    def _publier(self, temporaire: Path, base: str) -> None:
        """Give the written file its final name: ``BASE.eml``, or ``BASE-xxxx.eml`` when a
        message to the same recipient arrived in the same second (never overwritten)."""
        nom = f"{base}.eml"
        while True:
            try:
                os.link(temporaire, self.dossier / nom)
                break
            except FileExistsError:
                nom = f"{base}-{secrets.token_hex(2)}.eml"
            except OSError:  # no hard links here: a plain rename, unique suffix from the start
                temporaire.replace(self.dossier / f"{base}-{secrets.token_hex(3)}.eml")
                return
        temporaire.unlink()

    def fermer(self) -> None:
        pass


class TransportSmtp:
    def __init__(
        self,
        hote: str,
        port: int,
        securite: str = "none",
        utilisateur: str | None = None,
        mot_de_passe: str | None = None,
        delai: float = 10.0,
    ) -> None:
        if securite not in ("none", "starttls", "ssl"):
            raise ValueError(securite)
        self.hote, self.port, self.securite = hote, port, securite
        self.utilisateur, self.mot_de_passe, self.delai = utilisateur, mot_de_passe, delai
        self.description = f"SMTP {hote}:{port} ({securite})"
        self._connexion = None

    def _connecter(self):  # type: ignore[no-untyped-def]
        import smtplib
        import ssl

        if self.securite == "ssl":
            connexion = smtplib.SMTP_SSL(
                self.hote, self.port, timeout=self.delai, context=ssl.create_default_context()
            )
        else:
            connexion = smtplib.SMTP(self.hote, self.port, timeout=self.delai)
            if self.securite == "starttls":
                connexion.starttls(context=ssl.create_default_context())
        if self.utilisateur:
            connexion.login(self.utilisateur, self.mot_de_passe or "")
        return connexion

    def envoyer(self, envoi: Envoi) -> None:
        import smtplib

        try:
            if self._connexion is None:
                self._connexion = self._connecter()
            # 8-bit body only to a server that announces 8BITMIME; quoted-printable otherwise.
            huit_bits = bool(self._connexion.has_extn("8bitmime"))
            self._connexion.send_message(
                construire(envoi, huit_bits=huit_bits),
                mail_options=["BODY=8BITMIME"] if huit_bits else (),
            )
        except UnicodeEncodeError as e:
            self.fermer()
            raise ErreurTransport(
                f"{self.description} : identifiant ou mot de passe SMTP non ASCII, non pris en "
                "charge par le protocole"
            ) from e
        except OSError as e:
            self.fermer()
            raise ErreurTransport(f"{self.description} : {raison_systeme(e)}") from e
        except smtplib.SMTPException as e:  # the server's own words, quoted
            self.fermer()
            raise ErreurTransport(f"{self.description} : réponse du serveur « {e} »") from e

    def fermer(self) -> None:
        if self._connexion is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._connexion.quit()
            self._connexion = None


def depuis_configuration(courrier, dossier_defaut: Path) -> Transport:  # type: ignore[no-untyped-def]
    """The transport a profile's ``[mail]`` section describes."""
    from cpfadmin.domain.errors import DonneeInvalide

    if courrier.transport == "file":
        return TransportFichier(
            Path(courrier.directory).expanduser() if courrier.directory else dossier_defaut
        )
    if courrier.transport == "smtp":
        if courrier.security not in ("none", "starttls", "ssl"):
            raise DonneeInvalide(
                f"Configuration : mail.security « {courrier.security} » (none, starttls ou ssl)."
            )
        return TransportSmtp(
            courrier.host,
            courrier.port,
            courrier.security,
            courrier.username,
            os.environ.get("CPFADMIN_SMTP_PASSWORD"),
        )
    raise DonneeInvalide(f"Configuration : mail.transport « {courrier.transport} » (file ou smtp).")
