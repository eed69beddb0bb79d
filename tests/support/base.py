"""Looking straight into a store with SQLAlchemy, behind cpfadmin's back: what is really
written, whatever the application says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import Connection


def url_sqlalchemy(url: str) -> str:
    for prefixe in ("postgresql://", "postgres://"):
        if url.startswith(prefixe):
            return "postgresql+psycopg://" + url[len(prefixe) :]
    return url


@contextmanager
def connexion(url: str) -> Iterator[Connection]:
    """A connection in a transaction, committed at the end."""
    moteur = create_engine(url_sqlalchemy(url))
    try:
        with moteur.begin() as c:
            yield c
    finally:
        moteur.dispose()


def lignes(url: str, sql: str, **parametres: Any) -> list[tuple[Any, ...]]:
    with connexion(url) as c:
        return [tuple(r) for r in c.execute(text(sql), parametres)]


def executer(url: str, sql: str, **parametres: Any) -> None:
    with connexion(url) as c:
        c.execute(text(sql), parametres)


def contenu_complet(url: str) -> str:
    """Every value of every table, as one text, to look for something that must not be there."""
    morceaux: list[str] = []
    with connexion(url) as c:
        meta = MetaData()
        meta.reflect(c)
        for table in meta.sorted_tables:
            for ligne in c.execute(table.select()):
                morceaux.append(f"{table.name}: {tuple(ligne)!r}")
    return "\n".join(morceaux)
