"""Secrets and how they are kept (SPEC §3).

- Human-chosen passwords: bcrypt, cost 12 by default, after an HMAC-SHA256 pre-hash keyed by
  the bcrypt salt, so that all of a 256-character password counts (bcrypt alone reads only 72
  bytes) without the "password shucking" weakness of an unkeyed pre-hash. The stored value
  starts with its scheme so that it can be upgraded at the next login.
- Temporary passwords: machine-random (99 bits), so a fast salted HMAC-SHA256 is enough.
- Session tokens: 256 random bits; the store keeps only their SHA-256 digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from functools import lru_cache

SCHEMA_BCRYPT = "bcrypt-sha256"
SCHEMA_TEMPORAIRE = "hmac-sha256"
COUT_BCRYPT_DEFAUT = 12

# Temporary passwords: 4 groups of 5 characters from an alphabet without look-alikes.
ALPHABET_TEMPORAIRE = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPES_TEMPORAIRE, TAILLE_GROUPE = 4, 5


def _prehash(mot_de_passe: str, sel: bytes) -> bytes:
    # NFKC: "é" typed composed or decomposed is the same password (NIST SP 800-63B).
    normalise = unicodedata.normalize("NFKC", mot_de_passe)
    condensat = hmac.new(sel, normalise.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(condensat)  # 44 bytes: below bcrypt's 72-byte limit


def hacher_mot_de_passe(mot_de_passe: str, cout: int = COUT_BCRYPT_DEFAUT) -> str:
    import bcrypt

    sel = bcrypt.gensalt(rounds=cout)
    return f"{SCHEMA_BCRYPT}${bcrypt.hashpw(_prehash(mot_de_passe, sel), sel).decode('ascii')}"


def verifier_mot_de_passe(mot_de_passe: str, stocke: str) -> bool:
    import bcrypt

    schema, _, valeur = stocke.partition("$")
    if schema != SCHEMA_BCRYPT:
        return False
    try:
        hache = valeur.encode("ascii")
        sel = hache[:29]  # "$2b$12$" + 22 characters of salt
        return bcrypt.checkpw(_prehash(mot_de_passe, sel), hache)
    except ValueError:  # a corrupted stored value verifies nothing
        return False


def cout_du_hachage(stocke: str) -> int | None:
    schema, _, valeur = stocke.partition("$")
    if schema != SCHEMA_BCRYPT:
        return None
    try:
        return int(valeur.split("$")[2])
    except (IndexError, ValueError):
        return None


def doit_rehacher(stocke: str, cout: int) -> bool:
    """True when the stored hash uses another scheme or cost than the configured one."""
    return cout_du_hachage(stocke) != cout


@lru_cache(maxsize=4)
def hachage_factice(cout: int) -> str:
    """A hash of nothing, verified when an identifiant is unknown so that the answer takes as
    long as for a wrong password (no account enumeration by timing)."""
    return hacher_mot_de_passe(secrets.token_urlsafe(16), cout)


def generer_mot_de_passe_temporaire() -> str:
    """20 characters from a 31-letter alphabet: log2(31) × 20 ≈ 99 bits, grouped to be easy
    to type (``abcde-fghjk-mnpqr-stuvw``)."""
    from cpfadmin.domain.identifiant import tirer

    caracteres = tirer(ALPHABET_TEMPORAIRE, GROUPES_TEMPORAIRE * TAILLE_GROUPE)
    groupes = [
        "".join(caracteres[i : i + TAILLE_GROUPE]) for i in range(0, len(caracteres), TAILLE_GROUPE)
    ]
    return "-".join(groupes)


def _forme_canonique_temporaire(saisie: str) -> str:
    return "".join(c for c in saisie.lower() if c not in "- \t")


def condenser_temporaire(mot_de_passe: str) -> str:
    sel = secrets.token_bytes(16)
    condensat = hmac.new(sel, _forme_canonique_temporaire(mot_de_passe).encode(), hashlib.sha256)
    return f"{SCHEMA_TEMPORAIRE}${sel.hex()}${condensat.hexdigest()}"


def verifier_temporaire(saisie: str, stocke: str) -> bool:
    schema, _, reste = stocke.partition("$")
    if schema != SCHEMA_TEMPORAIRE:
        return False
    sel_hex, _, attendu = reste.partition("$")
    try:
        sel = bytes.fromhex(sel_hex)
    except ValueError:
        return False
    calcule = hmac.new(sel, _forme_canonique_temporaire(saisie).encode(), hashlib.sha256)
    return hmac.compare_digest(calcule.hexdigest(), attendu)


PREFIXE_JETON = "cpf_"


def generer_jeton() -> str:
    """A session token: 256 random bits."""
    return PREFIXE_JETON + secrets.token_urlsafe(32)


def condenser_jeton(jeton: str) -> str:
    return hashlib.sha256(jeton.encode("utf-8")).hexdigest()
