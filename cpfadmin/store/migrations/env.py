"""Alembic environment, driven programmatically by ``cpfadmin.store.migrate`` (no alembic.ini):
the caller hands over a live connection in ``config.attributes["connection"]``."""

from alembic import context

from cpfadmin.store.models import SQLModel

config = context.config
connexion = config.attributes["connection"]

context.configure(
    connection=connexion,
    target_metadata=SQLModel.metadata,
    render_as_batch=connexion.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
