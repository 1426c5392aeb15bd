"""Schema migrations (Alembic) and the database itself: ``migrate(url)`` brings a catalog to head.

Revisions live in ``workers/catalog/migrations/versions`` as hand-written SQL. ``ensure_database``
creates the database named in the URL when the server answers but does not have it (a fresh
PostgreSQL, the embedded one of ``docpipe up``, a test session's own database).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

#: Where the revisions are.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _sqlalchemy_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in {"postgres", "postgresql"} else url


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the catalog at ``url`` to ``revision`` (idempotent; Alembic locks its version row)."""
    engine = create_engine(_sqlalchemy_url(url), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    with psycopg.connect(url, connect_timeout=5) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return None if row is None else str(row[0])


def ensure_database(url: str) -> bool:
    """Create the database of ``url`` if the server lacks it; True when it was created."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = str(info.get("dbname") or "postgres")
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
    return True


def drop_database(url: str) -> None:
    """Drop the database of ``url`` (tests and benchmarks that made their own)."""
    name = str(psycopg.conninfo.conninfo_to_dict(url).get("dbname"))
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
