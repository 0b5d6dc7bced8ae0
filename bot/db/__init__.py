"""Persistence: models, encryption at rest, engine/session handling and Alembic migrations.

Why a package of its own: the action server, the staff app and the CLI all share one schema and one way
of opening a unit of work, so none of them invents its own.
"""
