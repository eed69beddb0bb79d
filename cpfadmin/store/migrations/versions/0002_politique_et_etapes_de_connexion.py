"""La politique de sécurité dans la base ; la date du dernier échec de connexion d'un compte ;
les étapes de connexion en cours.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 17:30:00

The security policy moves from each user's ``config.toml`` into the store (issue 13): one row
per key changed by ``cpfadmin politique set``. ``compte.dernier_echec_le`` lets the failure
count and the lock level decay after a quiet period. ``etape_connexion`` binds the second step
of a login (new password, CGU) to its first by a short-lived single-use token the store keeps,
so that what the first step returns holds no stored hash (issue 14).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "politique",
        sa.Column("cle", sa.String(length=64), nullable=False),
        sa.Column("valeur", sa.String(length=64), nullable=False),
        sa.Column("modifie_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modifie_par", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("cle", name=op.f("pk_politique")),
    )
    with op.batch_alter_table("compte", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dernier_echec_le", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "etape_connexion",
        sa.Column("condensat", sa.String(length=64), nullable=False),
        sa.Column("compte_id", sa.Integer(), nullable=False),
        sa.Column("empreinte", sa.String(length=200), nullable=False),
        sa.Column("changement_requis", sa.String(length=16), nullable=True),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["compte_id"], ["compte.id"], name=op.f("fk_etape_connexion_compte_id_compte")
        ),
        sa.PrimaryKeyConstraint("condensat", name=op.f("pk_etape_connexion")),
    )
    with op.batch_alter_table("etape_connexion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_etape_connexion_expire_le"), ["expire_le"], unique=False
        )


def downgrade() -> None:
    op.drop_table("etape_connexion")
    with op.batch_alter_table("compte", schema=None) as batch_op:
        batch_op.drop_column("dernier_echec_le")
    op.drop_table("politique")
