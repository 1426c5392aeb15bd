"""Alembic migrations of the catalog (``workers.catalog.migrate`` runs them)."""
