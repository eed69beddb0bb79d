"""SQLModel tables for the whole domain of SPEC §1. Names follow the domain (French nouns);
constraints follow one naming convention so that migrations can refer to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from cpfadmin.store.types import UTCDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _horodatage(nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Organisme(SQLModel, table=True):
    __tablename__ = "organisme"

    id: int | None = Field(default=None, primary_key=True)
    siret: str = Field(sa_type=String(14), unique=True, nullable=False)
    raison_sociale: str = Field(sa_type=String(200))
    type: str = Field(sa_type=String(32), index=True)
    statut: str = Field(sa_type=String(16), default="actif")
    cree_le: datetime = _horodatage()


class Unite(SQLModel, table=True):
    __tablename__ = "unite"
    __table_args__ = (UniqueConstraint("organisme_id", "libelle_cle"),)

    id: int | None = Field(default=None, primary_key=True)
    organisme_id: int = Field(foreign_key="organisme.id", nullable=False)
    libelle: str = Field(sa_type=String(100))
    # casefolded libellé: unités are unique within an organisme regardless of case
    libelle_cle: str = Field(sa_type=String(100))
    cree_le: datetime = _horodatage()


class Compte(SQLModel, table=True):
    __tablename__ = "compte"
    __table_args__ = (
        UniqueConstraint("organisme_id", "email_cle"),
        Index("ix_compte_organisme_id_unite_id", "organisme_id", "unite_id"),
        Index("ix_compte_organisme_id_role_statut", "organisme_id", "role", "statut"),
        # Exactly one active principal admin per organisme: the store refuses a second one.
        Index(
            "uq_compte_admin_principal_actif",
            "organisme_id",
            unique=True,
            sqlite_where=text("role = 'administrateur_principal' AND statut = 'actif'"),
            postgresql_where=text("role = 'administrateur_principal' AND statut = 'actif'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    identifiant: str = Field(sa_type=String(8), unique=True, nullable=False)
    organisme_id: int = Field(foreign_key="organisme.id", nullable=False)
    nom: str = Field(sa_type=String(100))
    prenom: str = Field(sa_type=String(100))
    email: str = Field(sa_type=String(254))
    email_cle: str = Field(sa_type=String(254))
    telephone_fixe: str | None = Field(default=None, sa_type=String(20))
    telephone_mobile: str | None = Field(default=None, sa_type=String(20))
    unite_id: int | None = Field(default=None, foreign_key="unite.id")
    niveau_habilitation: str | None = Field(default=None, sa_type=String(16))
    role: str = Field(sa_type=String(32))
    statut: str = Field(sa_type=String(16), default="actif")
    # folded "nom prénom e-mail identifiant" for accent- and case-insensitive search
    recherche: str = Field(default="", sa_type=String(600))
    cree_le: datetime = _horodatage()
    modifie_le: datetime = _horodatage()

    # credential state
    mot_de_passe_hache: str | None = Field(default=None, sa_type=String(200))
    mot_de_passe_change_le: datetime | None = _horodatage(nullable=True)
    temporaire_condensat: str | None = Field(default=None, sa_type=String(200))
    temporaire_expire_le: datetime | None = _horodatage(nullable=True)
    echecs_consecutifs: int = Field(default=0)
    verrouillages: int = Field(default=0)
    verrouille_jusqua: datetime | None = _horodatage(nullable=True)
    # the last failure counted: after a quiet period (policy) the count and the lock level decay
    dernier_echec_le: datetime | None = _horodatage(nullable=True)
    derniere_connexion_le: datetime | None = _horodatage(nullable=True)


class HistoriqueMotDePasse(SQLModel, table=True):
    __tablename__ = "historique_mot_de_passe"

    id: int | None = Field(default=None, primary_key=True)
    compte_id: int = Field(foreign_key="compte.id", index=True, nullable=False)
    hache: str = Field(sa_type=String(200))
    cree_le: datetime = _horodatage()


class Cgu(SQLModel, table=True):
    __tablename__ = "cgu"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(sa_type=String(32), unique=True, nullable=False)
    texte: str = Field(sa_type=Text)
    publiee_le: datetime = _horodatage()
    publiee_par_id: int | None = Field(default=None, foreign_key="compte.id")


class AcceptationCgu(SQLModel, table=True):
    __tablename__ = "acceptation_cgu"
    __table_args__ = (UniqueConstraint("compte_id", "cgu_id"),)

    id: int | None = Field(default=None, primary_key=True)
    compte_id: int = Field(foreign_key="compte.id", nullable=False)
    cgu_id: int = Field(foreign_key="cgu.id", nullable=False)
    acceptee_le: datetime = _horodatage()


class SessionCompte(SQLModel, table=True):
    __tablename__ = "session"

    id: int | None = Field(default=None, primary_key=True)
    compte_id: int = Field(foreign_key="compte.id", index=True, nullable=False)
    # SHA-256 of the token: the token itself is never stored
    jeton_condensat: str = Field(sa_type=String(64), unique=True, nullable=False)
    cree_le: datetime = _horodatage()
    expire_le: datetime = _horodatage()
    vue_le: datetime = _horodatage()
    revoquee_le: datetime | None = _horodatage(nullable=True)


class EvenementAudit(SQLModel, table=True):
    __tablename__ = "evenement_audit"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    horodatage: datetime = _horodatage()
    action: str = Field(sa_type=String(64), index=True)
    acteur: str | None = Field(default=None, sa_type=String(8), index=True)
    organisme: str | None = Field(default=None, sa_type=String(14), index=True)
    cible: str | None = Field(default=None, sa_type=String(64))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    precedent: str = Field(sa_type=String(64))
    condensat: str = Field(sa_type=String(64))


class TeteAudit(SQLModel, table=True):
    """The chain's head: one row, locked by every writer, so events are chained in order even
    with concurrent writers (PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN IMMEDIATE)."""

    __tablename__ = "tete_audit"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(default=0)
    condensat: str = Field(sa_type=String(64))


class Message(SQLModel, table=True):
    """Outbox: an e-mail queued in the transaction of the change that causes it."""

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_statut_prochaine_tentative", "statut", "prochaine_tentative_le"),
    )

    id: int | None = Field(default=None, primary_key=True)
    compte_id: int | None = Field(default=None, foreign_key="compte.id", index=True)
    destinataire: str = Field(sa_type=String(254))
    sujet: str = Field(sa_type=String(200))
    # body with a placeholder where the secret goes; the secret is purged once delivered
    corps: str = Field(sa_type=Text)
    secret: str | None = Field(default=None, sa_type=String(200))
    statut: str = Field(sa_type=String(16), default="en_attente")
    tentatives: int = Field(default=0)
    prochaine_tentative_le: datetime = _horodatage()
    derniere_erreur: str | None = Field(default=None, sa_type=String(500))
    cree_le: datetime = _horodatage()
    envoye_le: datetime | None = _horodatage(nullable=True)
    expire_le: datetime | None = _horodatage(nullable=True)


class ReglePolitique(SQLModel, table=True):
    """One key of the security policy (SPEC §4), as ``cpfadmin politique set`` left it; a key
    without a row has its default (``cpfadmin.domain.politique``)."""

    __tablename__ = "politique"

    cle: str = Field(sa_type=String(64), primary_key=True)
    valeur: str = Field(sa_type=String(64))
    modifie_le: datetime = _horodatage()
    modifie_par: str | None = Field(default=None, sa_type=String(8))


class EtapeConnexion(SQLModel, table=True):
    """A login between its two steps: the second is bound to the first by a short-lived,
    single-use token whose digest is kept here — with the credential checked at the first step,
    which the client never sees."""

    __tablename__ = "etape_connexion"

    condensat: str = Field(sa_type=String(64), primary_key=True)
    compte_id: int = Field(foreign_key="compte.id", nullable=False)
    empreinte: str = Field(sa_type=String(200))
    changement_requis: str | None = Field(default=None, sa_type=String(16))
    cree_le: datetime = _horodatage()
    expire_le: datetime = Field(default=None, sa_type=UTCDateTime, index=True, nullable=False)


class LimitationSource(SQLModel, table=True):
    """The login failures from one source address (an IPv6 /64) in the current window: the
    server's per-address throttle (SPEC §8), counted in the store so that every instance sees
    the same count."""

    __tablename__ = "limitation_source"

    source: str = Field(sa_type=String(64), primary_key=True)
    debut: datetime = Field(default=None, sa_type=UTCDateTime, nullable=False)
    echecs: int = Field(default=0, nullable=False)
