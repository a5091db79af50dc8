"""The database layer: one deferred SQLite database, its models, migrations and search."""

from crm.db.database import DatabaseError, close_database, db, migrate, open_database

__all__ = ["DatabaseError", "close_database", "db", "migrate", "open_database"]
