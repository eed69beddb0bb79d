"""Persistence: SQLModel tables, the engine for SQLite or PostgreSQL, the unit of work and the
Alembic migrations shipped in the package."""
