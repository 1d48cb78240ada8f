"""Alembic migrations of the compliance API's database (``Store.migrate`` runs them)."""
