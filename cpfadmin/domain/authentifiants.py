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
import threading
import unicodedata
from collections.abc import Callable
from datetime import datetime

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


def _verifier(mot_de_passe: str, stocke: str) -> bool:
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


def verifier_mot_de_passe(
    mot_de_passe: str, stocke: str, anticipation: Anticipation | None = None
) -> bool:
    """bcrypt verification of ``mot_de_passe`` against ``stocke``; with an ``anticipation``
    for the same password and stored value, its result instead (once)."""
    if anticipation is not None:
        resultat = anticipation.resultat_pour(mot_de_passe, stocke)
        if resultat is not None:
            return resultat
    return _verifier(mot_de_passe, stocke)


class Anticipation:
    """One bcrypt verification started ahead of time in a background thread (bcrypt releases
    the GIL, so it runs on another core while the command goes on importing). An explicit
    object, handed to the verification that may use it, used once: no state is left at module
    level for another request's check to pick up."""

    # How long the service waits for the early read of the hash before verifying itself.
    ATTENTE_LECTURE = 2.0

    def __init__(self, mot_de_passe: str, lire_hache: Callable[[], str | None]) -> None:
        self._mot_de_passe = mot_de_passe
        self._hache: str | None = None
        self._resultat = False
        self._lu = threading.Event()
        self._fini = threading.Event()
        self._utilisee = False
        threading.Thread(
            target=self._calculer, args=(lire_hache,), name="cpfadmin-bcrypt", daemon=True
        ).start()

    def _calculer(self, lire_hache: Callable[[], str | None]) -> None:
        try:
            self._hache = lire_hache()
        except Exception:  # an early read that fails only means no head start
            self._hache = None
        finally:
            self._lu.set()
        try:
            if self._hache is not None:
                self._resultat = _verifier(self._mot_de_passe, self._hache)
        except Exception:  # the service will verify by itself
            self._hache = None
        finally:
            self._fini.set()

    def resultat_pour(self, mot_de_passe: str, stocke: str) -> bool | None:
        """The anticipated result if it was for this password and this stored hash, else None;
        used up by the first call."""
        if self._utilisee:
            return None
        self._utilisee = True
        if not hmac.compare_digest(mot_de_passe.encode(), self._mot_de_passe.encode()):
            return None
        if not self._lu.wait(self.ATTENTE_LECTURE) or self._hache != stocke:
            return None
        self._fini.wait()
        return self._resultat if self._hache == stocke else None


def anticiper(mot_de_passe: str, lire_hache: Callable[[], str | None]) -> Anticipation:
    """Start verifying ``mot_de_passe`` against the stored value ``lire_hache()`` returns (read
    early, e.g. with the bare database driver), so that the bcrypt cost of a login overlaps
    the start-up of the rest of the program. ``verifier_mot_de_passe(…, anticipation=)`` uses
    the result only if it is for the same password and the same stored value; otherwise it
    verifies as usual. Nothing is decided from the early read itself."""
    return Anticipation(mot_de_passe, lire_hache)


def est_verrouille(verrouille_jusqua: datetime | None, maintenant: datetime) -> bool:
    return verrouille_jusqua is not None and verrouille_jusqua > maintenant


def hache_a_verifier(stocke: str | None, verrouille: bool, cout: int) -> str:
    """The stored value a login verifies the password against: the account's bcrypt hash, or
    the dummy one when the account is unknown, locked or has no chosen password yet — so that
    every refusal costs the same one bcrypt verification."""
    return stocke if stocke and not verrouille else hachage_factice(cout)


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


# A well-formed bcrypt value (salt and digest of a throw-away input) that no password matches.
_SEL_ET_CONDENSAT_FACTICES = "WU4QUmwc9zCxcLYYHzZIxeofajeNgjS0bClR/Yww6fK8uiDB1Z7oK"


def hachage_factice(cout: int) -> str:
    """A value verified when an identifiant is unknown (or the account locked) so that the
    answer takes as long as for a wrong password: one bcrypt computation at ``cout``. It is a
    constant: computing a fresh hash in each process would double the time of these answers
    and give away which identifiants exist."""
    return f"{SCHEMA_BCRYPT}$$2b${cout:02d}${_SEL_ET_CONDENSAT_FACTICES}"


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
