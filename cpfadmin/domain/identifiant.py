"""Account identifiants (SPEC §1): random, 8 characters from an unambiguous upper-case alphabet
(no 0/O, 1/I/L), case-insensitive at login, never reused."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LONGUEUR = 8


def generer_identifiant() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LONGUEUR))


def normaliser_identifiant(saisie: str) -> str | None:
    """The canonical form of what a user typed, or None when it cannot be an identifiant."""
    valeur = saisie.strip().upper()
    if len(valeur) != LONGUEUR or any(c not in ALPHABET for c in valeur):
        return None
    return valeur
