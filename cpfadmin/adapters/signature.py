"""Ed25519 keys for the audit checkpoints (``cryptography``): a private key in a file of its
owner's (PKCS#8 PEM, 0600), its public key beside it (``FICHIER.pub``), signing and checking.
The store never holds either: a checkpoint is only worth what its key's distance from the
store is (docs/securite.md)."""

from __future__ import annotations

import base64
import binascii
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpfadmin.domain.errors import Commande, DonneeInvalide, raison_systeme

TAILLE_MAX_CLE = 16 * 1024


@dataclass(frozen=True)
class Signataire:
    fichier: Path
    _cle: Any

    @property
    def cle_publique(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._cle.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def signer(self, contenu: bytes) -> bytes:
        return bytes(self._cle.sign(contenu))


def fichier_public(fichier: Path) -> Path:
    return fichier.with_name(fichier.name + ".pub")


def ecrire(destination: Path, contenu: bytes, *, mode: int, ecraser: bool) -> None:
    """A key or a checkpoint, whole or not at all (``fichiers.ecrire_a_la_place``)."""
    from cpfadmin.adapters.fichiers import ecrire_a_la_place

    def remplir(temporaire: Path) -> None:
        with temporaire.open("wb") as f:
            f.write(contenu)
            f.flush()
            os.fsync(f.fileno())

    ecrire_a_la_place(destination, remplir, ecraser=ecraser, mode=mode)


def generer(fichier: Path, *, ecraser: bool = False) -> tuple[Path, bytes]:
    """A new key pair: the private key in ``fichier`` (0600), the public one in
    ``fichier.pub``; returns the public file and the raw public key. Both names are checked
    before either is written."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cpfadmin.adapters.fichiers import verifier_destination

    public = fichier_public(fichier)
    verifier_destination(fichier, ecraser)
    verifier_destination(public, ecraser)
    cle = Ed25519PrivateKey.generate()
    prive_pem = cle.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = cle.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    brut = cle.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ecrire(fichier, prive_pem, mode=0o600, ecraser=ecraser)
    ecrire(public, public_pem, mode=0o644, ecraser=ecraser)
    return public, brut


def _lire(fichier: Path, quoi: str) -> tuple[bytes, os.stat_result]:
    try:
        with fichier.open("rb") as f:
            etat = os.fstat(f.fileno())
            if not stat.S_ISREG(etat.st_mode):
                raise DonneeInvalide(f"{quoi} {fichier} : ce n'est pas un fichier.", champ="cle")
            contenu = f.read(TAILLE_MAX_CLE + 1)
    except OSError as e:
        raise DonneeInvalide(
            f"{quoi} {fichier} illisible : {raison_systeme(e)}.", champ="cle"
        ) from None
    if len(contenu) > TAILLE_MAX_CLE:
        raise DonneeInvalide(f"{quoi} {fichier} : trop grand pour une clé.", champ="cle")
    return contenu, etat


def charger_signataire(fichier: Path) -> Signataire:
    """The private key of ``fichier``; refused (like ssh does) when others may read it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    contenu, etat = _lire(fichier, "Clé privée")
    if etat.st_mode & 0o077:
        raise DonneeInvalide(
            f"Clé privée {fichier} lisible par d'autres (mode {stat.S_IMODE(etat.st_mode):o}) : "
            f"refusée ; « chmod 600 {fichier} ».",
            champ="cle",
        )
    try:
        cle = serialization.load_pem_private_key(contenu, password=None)
    except TypeError:
        raise DonneeInvalide(
            f"Clé privée {fichier} protégée par une phrase de passe : non prise en charge.",
            champ="cle",
        ) from None
    except ValueError:
        raise DonneeInvalide(
            (
                f"{fichier} n'est pas une clé privée PEM (",
                Commande("audit keygen"),
                " en crée une).",
            ),
            champ="cle",
        ) from None
    if not isinstance(cle, Ed25519PrivateKey):
        raise DonneeInvalide(f"Clé privée {fichier} : Ed25519 attendue.", champ="cle")
    return Signataire(fichier, cle)


def charger_publique(fichier: Path) -> bytes:
    """The raw public key of ``fichier``: a public key (PEM, OpenSSH line, or the base64 of a
    checkpoint's ``cle_publique``), or a private key, whose public half is taken."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    contenu, _ = _lire(fichier, "Clé publique")
    cle: Any = None
    texte = contenu.strip()
    if b"PRIVATE KEY" in texte:
        cle = charger_signataire(fichier)._cle.public_key()
    else:
        for lecteur in (
            serialization.load_pem_public_key,
            serialization.load_ssh_public_key,
        ):
            try:
                cle = lecteur(texte)
                break
            except (ValueError, TypeError):
                continue
        else:
            try:
                brut = base64.b64decode(texte, validate=True)
            except binascii.Error:
                brut = b""
            if len(brut) == 32:
                return brut
    if isinstance(cle, Ed25519PrivateKey):
        cle = cle.public_key()
    if not isinstance(cle, Ed25519PublicKey):
        raise DonneeInvalide(
            f"{fichier} n'est pas une clé publique Ed25519 (PEM, OpenSSH ou base64).",
            champ="cle",
        )
    return cle.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signature_valide(cle_publique: bytes, signature: bytes, contenu: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(cle_publique).verify(signature, contenu)
    except (InvalidSignature, ValueError):
        return False
    return True
