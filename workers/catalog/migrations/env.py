"""Alembic environment: runs migrations on the connection ``workers.catalog.migrate`` passes in.

There is no ORM model to compare against: every revision is hand-written SQL (``op.execute``).
"""

from __future__ import annotations

from alembic import context


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


run()
