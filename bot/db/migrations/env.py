"""Alembic environment, configured programmatically by bot.db.migrate (no alembic.ini needed).

Why: migrations must run the same way from `make run`, `make test`, `mediation-admin migrate` and tests,
against SQLite or PostgreSQL, using the same engine setup as the application.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.db.engine import make_engine
from bot.db.models import Base

# Arbitrary constant: serializes concurrent `migrate` runs (e.g. two processes starting) on PostgreSQL.
PG_MIGRATION_LOCK = 7_302_551_004

config = context.config
target_metadata = Base.metadata


def _configure(connection, **extra) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,  # SQLite cannot ALTER most things; batch mode rebuilds tables
        transactional_ddl=True,  # true for PostgreSQL, and for SQLite with our explicit BEGIN
        compare_type=True,
        **extra,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = make_engine(config.get_main_option("sqlalchemy.url"), pool_pre_ping=False)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
                connection.commit()
            try:
                _configure(connection)
                with context.begin_transaction():
                    context.run_migrations()
                connection.commit()
            finally:
                if connection.dialect.name == "postgresql":
                    connection.rollback()
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                    connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
