"""An early, read-only look at the one value a login's bcrypt verification needs, with the bare
database driver (``sqlite3`` or ``psycopg``) and without SQLAlchemy, so that the verification
can start while the rest of cpfadmin loads (``authentifiants.anticiper``).

Nothing is decided from what is read here: the login service reads the account again in its
own transaction and uses the early result only if it is for the same stored value. Any
failure (no file, another schema, server down) just means no head start.
"""

from __future__ import annotations

from datetime import UTC, datetime

REQUETE = "SELECT mot_de_passe_hache, verrouille_jusqua FROM compte WHERE identifiant = {p}"
# The store's bcrypt cost (the policy is the store's): a dummy hash must cost what a real one
# costs, or the answer for an unknown account would be faster.
REQUETE_COUT = "SELECT valeur FROM politique WHERE cle = 'bcrypt_cost'"


def _horodatage(valeur: object) -> datetime | None:
    if valeur is None:
        return None
    if isinstance(valeur, str):  # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff", in UTC
        valeur = datetime.fromisoformat(valeur)
    if not isinstance(valeur, datetime):
        raise TypeError(f"horodatage inattendu : {type(valeur).__name__}")
    return valeur.replace(tzinfo=UTC) if valeur.tzinfo is None else valeur


def lire_compte(
    url: str, identifiant: str, delai: float = 5.0
) -> tuple[tuple[str | None, datetime | None] | None, int | None]:
    """``(mot_de_passe_hache, verrouille_jusqua)`` of the account (``None`` if there is none),
    and the store's bcrypt cost (``None``: the default). Raises on any failure to read."""
    if url.startswith("sqlite:///") and "?" not in url:
        import sqlite3

        chemin = url.removeprefix("sqlite:///")
        # mode=ro: never creates the file, never takes a write lock
        connexion = sqlite3.connect(f"file:{chemin}?mode=ro", uri=True, timeout=1)
        try:
            ligne = connexion.execute(REQUETE.format(p="?"), (identifiant,)).fetchone()
            cout = connexion.execute(REQUETE_COUT).fetchone()
        finally:
            connexion.close()
    elif url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        import logging

        import psycopg

        logging.getLogger("psycopg").addHandler(logging.NullHandler())
        conninfo = "postgresql://" + url.split("://", 1)[1]
        with psycopg.connect(
            conninfo, connect_timeout=max(2, round(delai)), autocommit=True
        ) as connexion:
            ligne = connexion.execute(REQUETE.format(p="%s"), (identifiant,)).fetchone()
            cout = connexion.execute(REQUETE_COUT).fetchone()
    else:
        raise ValueError("base non prise en charge pour une lecture anticipée")
    cout_lu = int(cout[0]) if cout is not None else None
    if ligne is None:
        return None, cout_lu
    return (ligne[0], _horodatage(ligne[1])), cout_lu
