"""Audit checkpoints: the head of the chain (number and digest), signed with a key the store
does not hold, kept outside the store. A later ``audit verify --checkpoint`` proves the chain
still extends it — what the chain alone cannot prove against someone who may write to the
store (docs/securite.md). Pure functions over plain values: the signing is an adapter's.

The document is one flat JSON object, self-describing (``format``, ``version``) and signed
whole: the signature covers the canonical JSON of every other field."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from cpfadmin.domain.errors import DonneeInvalide

FORMAT = "cpfadmin-point-de-controle-audit"
VERSION = 1
ALGORITHME = "ed25519"
# The fields of version 1, in the order a person reads them.
CHAMPS = (
    "format",
    "version",
    "base",
    "seq",
    "condensat",
    "dernier_evenement_le",
    "pris_le",
    "pris_par",
    "algorithme",
    "cle_publique",
    "empreinte_cle",
    "signature",
)
TAILLE_MAX = 64 * 1024
_CONDENSAT = re.compile(r"[0-9a-f]{64}")


def empreinte(cle_publique: bytes) -> str:
    """``SHA256:…`` of the raw 32-byte public key (base64 without padding, as OpenSSH
    writes its fingerprints): what a person compares."""
    brut = hashlib.sha256(cle_publique).digest()
    return "SHA256:" + base64.b64encode(brut).decode("ascii").rstrip("=")


def contenu_signe(document: dict[str, Any]) -> bytes:
    """The bytes the signature covers: every field but ``signature``, canonical JSON."""
    champs = {cle: valeur for cle, valeur in document.items() if cle != "signature"}
    return json.dumps(champs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def construire(
    *,
    base: str,
    seq: int,
    condensat: str,
    dernier_evenement_le: str | None,
    pris_le: str,
    pris_par: str,
    cle_publique: bytes,
) -> dict[str, Any]:
    """The document to sign (``signature`` still empty)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "base": base,
        "seq": seq,
        "condensat": condensat,
        "dernier_evenement_le": dernier_evenement_le,
        "pris_le": pris_le,
        "pris_par": pris_par,
        "algorithme": ALGORITHME,
        "cle_publique": base64.b64encode(cle_publique).decode("ascii"),
        "empreinte_cle": empreinte(cle_publique),
        "signature": "",
    }


@dataclass(frozen=True)
class PointDeControle:
    origine: str
    document: dict[str, Any]
    cle_publique: bytes
    signature: bytes

    @property
    def seq(self) -> int:
        return int(self.document["seq"])

    @property
    def condensat(self) -> str:
        return str(self.document["condensat"])

    @property
    def empreinte_cle(self) -> str:
        return str(self.document["empreinte_cle"])


def _b64(valeur: Any, champ: str, taille: int, origine: str) -> bytes:
    if not isinstance(valeur, str):
        raise _invalide(origine, f"« {champ} » doit être du base64")
    try:
        brut = base64.b64decode(valeur.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _invalide(origine, f"« {champ} » n'est pas du base64 valide") from None
    if len(brut) != taille:
        raise _invalide(origine, f"« {champ} » n'a pas la taille d'une valeur Ed25519")
    return brut


def _invalide(origine: str, raison: str) -> DonneeInvalide:
    return DonneeInvalide(f"Point de contrôle {origine} invalide : {raison}.", champ="checkpoint")


def lire(texte: bytes, origine: str) -> PointDeControle:
    """Parse and check the form of a checkpoint (not yet its signature); ``DonneeInvalide``
    naming what is wrong otherwise."""
    if len(texte) > TAILLE_MAX:
        raise _invalide(origine, f"plus de {TAILLE_MAX // 1024} Ko, ce n'en est pas un")
    try:
        document = json.loads(texte.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _invalide(origine, "ce n'est pas un document JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalide(origine, f"ce n'est pas un document « {FORMAT} »")
    if document.get("version") != VERSION:
        raise _invalide(
            origine,
            f"version {str(document.get('version'))[:20]} inconnue (cette version de cpfadmin "
            f"lit la version {VERSION})",
        )
    manquants = [c for c in CHAMPS if c not in document]
    inconnus = sorted(set(document) - set(CHAMPS))
    if manquants or inconnus:
        raise _invalide(
            origine,
            "champ(s) "
            + ", ".join(
                [f"{c} absent" for c in manquants] + [f"{c[:40]} inconnu" for c in inconnus]
            ),
        )
    seq = document["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise _invalide(origine, "« seq » doit être un numéro d'événement")
    if not isinstance(document["condensat"], str) or not _CONDENSAT.fullmatch(
        document["condensat"]
    ):
        raise _invalide(origine, "« condensat » doit être une empreinte SHA-256 (64 hex)")
    for champ in ("base", "pris_le", "pris_par", "empreinte_cle"):
        if not isinstance(document[champ], str):
            raise _invalide(origine, f"« {champ} » doit être une chaîne")
    if document["dernier_evenement_le"] is not None and not isinstance(
        document["dernier_evenement_le"], str
    ):
        raise _invalide(origine, "« dernier_evenement_le » doit être une date")
    if document["algorithme"] != ALGORITHME:
        raise _invalide(origine, f"algorithme {str(document['algorithme'])[:20]} inconnu")
    cle = _b64(document["cle_publique"], "cle_publique", 32, origine)
    signature = _b64(document["signature"], "signature", 64, origine)
    if empreinte(cle) != document["empreinte_cle"]:
        raise _invalide(origine, "« empreinte_cle » n'est pas celle de « cle_publique »")
    return PointDeControle(origine, document, cle, signature)
