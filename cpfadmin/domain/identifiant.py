"""Account identifiants (SPEC §1): random, 8 characters from an unambiguous upper-case alphabet
(no 0/O, 1/I/L), case-insensitive at login, never reused."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LONGUEUR = 8


def tirer(alphabet: str, n: int) -> str:
    """``n`` characters drawn uniformly from ``alphabet`` (at most 256 letters) with the OS's
    random source; bytes past the largest multiple of its size are rejected, so no character
    is favoured. One system call for the whole draw, not one per character."""
    limite = 256 - 256 % len(alphabet)
    resultat: list[str] = []
    while len(resultat) < n:
        for octet in secrets.token_bytes(2 * n):
            if octet < limite:
                resultat.append(alphabet[octet % len(alphabet)])
                if len(resultat) == n:
                    break
    return "".join(resultat)


def generer_identifiant() -> str:
    return tirer(ALPHABET, LONGUEUR)


def normaliser_identifiant(saisie: str) -> str | None:
    """The canonical form of what a user typed, or None when it cannot be an identifiant."""
    valeur = saisie.strip().upper()
    if len(valeur) != LONGUEUR or any(c not in ALPHABET for c in valeur):
        return None
    return valeur
