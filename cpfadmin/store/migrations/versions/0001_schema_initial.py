"""Schéma initial : tout le domaine de SPEC §1.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 14:57:04.641177
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evenement_audit",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("horodatage", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("acteur", sa.String(length=8), nullable=True),
        sa.Column("organisme", sa.String(length=14), nullable=True),
        sa.Column("cible", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("precedent", sa.String(length=64), nullable=False),
        sa.Column("condensat", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_evenement_audit")),
    )
    with op.batch_alter_table("evenement_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evenement_audit_acteur"), ["acteur"], unique=False)
        batch_op.create_index(batch_op.f("ix_evenement_audit_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evenement_audit_organisme"), ["organisme"], unique=False
        )

    op.create_table(
        "organisme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("raison_sociale", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("statut", sa.String(length=16), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisme")),
        sa.UniqueConstraint("siret", name=op.f("uq_organisme_siret")),
    )
    with op.batch_alter_table("organisme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisme_type"), ["type"], unique=False)

    op.create_table(
        "tete_audit",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("condensat", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tete_audit")),
    )
    # The audit chain starts empty: its head is the initial digest.
    op.execute("INSERT INTO tete_audit (id, seq, condensat) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table(
        "unite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisme_id", sa.Integer(), nullable=False),
        sa.Column("libelle", sa.String(length=100), nullable=False),
        sa.Column("libelle_cle", sa.String(length=100), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisme_id"], ["organisme.id"], name=op.f("fk_unite_organisme_id_organisme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unite")),
        sa.UniqueConstraint(
            "organisme_id", "libelle_cle", name=op.f("uq_unite_organisme_id_libelle_cle")
        ),
    )
    op.create_table(
        "compte",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifiant", sa.String(length=8), nullable=False),
        sa.Column("organisme_id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=100), nullable=False),
        sa.Column("prenom", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_cle", sa.String(length=254), nullable=False),
        sa.Column("telephone_fixe", sa.String(length=20), nullable=True),
        sa.Column("telephone_mobile", sa.String(length=20), nullable=True),
        sa.Column("unite_id", sa.Integer(), nullable=True),
        sa.Column("niveau_habilitation", sa.String(length=16), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("statut", sa.String(length=16), nullable=False),
        sa.Column("recherche", sa.String(length=600), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modifie_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mot_de_passe_hache", sa.String(length=200), nullable=True),
        sa.Column("mot_de_passe_change_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("temporaire_condensat", sa.String(length=200), nullable=True),
        sa.Column("temporaire_expire_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("echecs_consecutifs", sa.Integer(), nullable=False),
        sa.Column("verrouillages", sa.Integer(), nullable=False),
        sa.Column("verrouille_jusqua", sa.DateTime(timezone=True), nullable=True),
        sa.Column("derniere_connexion_le", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisme_id"], ["organisme.id"], name=op.f("fk_compte_organisme_id_organisme")
        ),
        sa.ForeignKeyConstraint(["unite_id"], ["unite.id"], name=op.f("fk_compte_unite_id_unite")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compte")),
        sa.UniqueConstraint("identifiant", name=op.f("uq_compte_identifiant")),
        sa.UniqueConstraint(
            "organisme_id", "email_cle", name=op.f("uq_compte_organisme_id_email_cle")
        ),
    )
    with op.batch_alter_table("compte", schema=None) as batch_op:
        batch_op.create_index(
            "ix_compte_organisme_id_role_statut", ["organisme_id", "role", "statut"], unique=False
        )
        batch_op.create_index(
            "ix_compte_organisme_id_unite_id", ["organisme_id", "unite_id"], unique=False
        )
        batch_op.create_index(
            "uq_compte_admin_principal_actif",
            ["organisme_id"],
            unique=True,
            sqlite_where=sa.text("role = 'administrateur_principal' AND statut = 'actif'"),
            postgresql_where=sa.text("role = 'administrateur_principal' AND statut = 'actif'"),
        )

    op.create_table(
        "cgu",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("publiee_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("publiee_par_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["publiee_par_id"], ["compte.id"], name=op.f("fk_cgu_publiee_par_id_compte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cgu")),
        sa.UniqueConstraint("version", name=op.f("uq_cgu_version")),
    )
    op.create_table(
        "historique_mot_de_passe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("hache", sa.String(length=200), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compte_id"], ["compte.id"], name=op.f("fk_historique_mot_de_passe_compte_id_compte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historique_mot_de_passe")),
    )
    with op.batch_alter_table("historique_mot_de_passe", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_historique_mot_de_passe_compte_id"), ["compte_id"], unique=False
        )

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=True),
        sa.Column("destinataire", sa.String(length=254), nullable=False),
        sa.Column("sujet", sa.String(length=200), nullable=False),
        sa.Column("corps", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("statut", sa.String(length=16), nullable=False),
        sa.Column("tentatives", sa.Integer(), nullable=False),
        sa.Column("prochaine_tentative_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("derniere_erreur", sa.String(length=500), nullable=True),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("envoye_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expire_le", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["compte_id"], ["compte.id"], name=op.f("fk_message_compte_id_compte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_compte_id"), ["compte_id"], unique=False)
        batch_op.create_index(
            "ix_message_statut_prochaine_tentative",
            ["statut", "prochaine_tentative_le"],
            unique=False,
        )

    op.create_table(
        "session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("jeton_condensat", sa.String(length=64), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vue_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoquee_le", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["compte_id"], ["compte.id"], name=op.f("fk_session_compte_id_compte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session")),
        sa.UniqueConstraint("jeton_condensat", name=op.f("uq_session_jeton_condensat")),
    )
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_compte_id"), ["compte_id"], unique=False)

    op.create_table(
        "acceptation_cgu",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("cgu_id", sa.Integer(), nullable=False),
        sa.Column("acceptee_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cgu_id"], ["cgu.id"], name=op.f("fk_acceptation_cgu_cgu_id_cgu")),
        sa.ForeignKeyConstraint(
            ["compte_id"], ["compte.id"], name=op.f("fk_acceptation_cgu_compte_id_compte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptation_cgu")),
        sa.UniqueConstraint(
            "compte_id", "cgu_id", name=op.f("uq_acceptation_cgu_compte_id_cgu_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("acceptation_cgu")
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_compte_id"))

    op.drop_table("session")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_statut_prochaine_tentative")
        batch_op.drop_index(batch_op.f("ix_message_compte_id"))

    op.drop_table("message")
    with op.batch_alter_table("historique_mot_de_passe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_historique_mot_de_passe_compte_id"))

    op.drop_table("historique_mot_de_passe")
    op.drop_table("cgu")
    with op.batch_alter_table("compte", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_compte_admin_principal_actif",
            sqlite_where=sa.text("role = 'administrateur_principal' AND statut = 'actif'"),
            postgresql_where=sa.text("role = 'administrateur_principal' AND statut = 'actif'"),
        )
        batch_op.drop_index("ix_compte_organisme_id_unite_id")
        batch_op.drop_index("ix_compte_organisme_id_role_statut")

    op.drop_table("compte")
    op.drop_table("unite")
    op.drop_table("tete_audit")
    with op.batch_alter_table("organisme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisme_type"))

    op.drop_table("organisme")
    with op.batch_alter_table("evenement_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evenement_audit_organisme"))
        batch_op.drop_index(batch_op.f("ix_evenement_audit_action"))
        batch_op.drop_index(batch_op.f("ix_evenement_audit_acteur"))

    op.drop_table("evenement_audit")
