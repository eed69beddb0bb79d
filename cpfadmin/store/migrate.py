"""Schema migrations (Alembic, shipped in the package) and the check every command makes that
the store is at the schema this version of cpfadmin expects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from cpfadmin.domain.errors import BaseAMettreAJour, BaseNonInitialisee, Commande


def _revisions_livrees() -> tuple[str, ...]:
    """The revisions this version ships, oldest first, read from the names of its migration
    files (``NNNN_description.py``, ``revision = "NNNN"``; a test checks they are Alembic's
    chain): so commands check the store without importing Alembic, and a new migration is one
    new file."""
    from importlib.resources import files

    versions = files("cpfadmin.store.migrations").joinpath("versions")
    return tuple(
        sorted(
            f.name[:4]
            for f in versions.iterdir()
            if f.name[:4].isdigit() and f.name[4:5] == "_" and f.name.endswith(".py")
        )
    )


# Every revision this version ships (oldest first); a store at another one was migrated by a
# newer cpfadmin. The newest is the one every command expects.
REVISIONS_CONNUES = _revisions_livrees()
REVISION_ATTENDUE = REVISIONS_CONNUES[-1]


def _config(connexion):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "cpfadmin.store:migrations")
    cfg.attributes["connection"] = connexion
    return cfg


def tete_alembic() -> str:
    from alembic.script import ScriptDirectory

    cfg = _config(None)
    return ScriptDirectory.from_config(cfg).get_current_head()  # type: ignore[return-value]


def revision_courante(moteur: Engine) -> str | None:
    with moteur.connect() as c:
        if not inspect(c).has_table("alembic_version"):
            return None
        return c.execute(text("SELECT version_num FROM alembic_version")).scalar()


def mettre_a_jour(moteur: Engine, cible: str = "head") -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        with moteur.begin() as connexion:
            command.upgrade(_config(connexion), cible)
    except CommandError as e:
        raise BaseAMettreAJour(
            f"Migration impossible : {e}. La base a peut-être été migrée par une version plus "
            f"récente de cpfadmin (révision attendue : {REVISION_ATTENDUE}).",
            suggestion="mettez cpfadmin à jour",
        ) from None


@dataclass(frozen=True)
class EtatSchema:
    courante: str | None
    attendue: str

    @property
    def a_jour(self) -> bool:
        return self.courante == self.attendue


def etat(moteur: Engine) -> EtatSchema:
    return EtatSchema(courante=revision_courante(moteur), attendue=REVISION_ATTENDUE)


def exiger_a_jour(moteur: Engine) -> None:
    """Raise a one-line French error (exit 8) when the store is missing or not at head."""
    courante = revision_courante(moteur)
    if courante is None:
        raise BaseNonInitialisee(
            "Base non initialisée.",
            suggestion=(
                Commande("init"),
                " (ou ",
                Commande("db upgrade"),
                " pour une base existante)",
            ),
        )
    if courante not in REVISIONS_CONNUES:
        raise BaseAMettreAJour(
            f"Le schéma de la base (révision {courante}) est plus récent que ce cpfadmin "
            f"(révision {REVISION_ATTENDUE}).",
            suggestion="mettez cpfadmin à jour",
        )
    if courante != REVISION_ATTENDUE:
        raise BaseAMettreAJour(
            f"Le schéma de la base (révision {courante}) n'est pas celui attendu "
            f"({REVISION_ATTENDUE}).",
            suggestion=Commande("db upgrade"),
        )
