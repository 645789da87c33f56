"""Storage: SQLAlchemy 2 models, sessions, repositories (queries only) and Alembic migrations."""
