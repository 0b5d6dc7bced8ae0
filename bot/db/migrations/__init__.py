"""Alembic migrations, shipped inside the package so `mediation-admin migrate` works from any directory."""
