"""Les échecs de connexion par adresse source : la limitation du serveur.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 15:10:00

``cpfadmin serve`` slows down whoever tries many passwords from one address (SPEC §8, issue
15): the failures of the current window are counted here, in the store, so that every instance
of the server agrees.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "limitation_source",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("debut", sa.DateTime(timezone=True), nullable=False),
        sa.Column("echecs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_limitation_source")),
    )


def downgrade() -> None:
    op.drop_table("limitation_source")
