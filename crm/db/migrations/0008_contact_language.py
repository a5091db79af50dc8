"""The language crm writes a contact's drafts in ("en", "ru"; "" = the [drafts] default)."""

from peewee import *  # noqa: F403


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    # A plain ADD COLUMN: the migrator's NOT NULL rebuilds the table, dropping the sync
    # clock's triggers on it (0007).
    if 'language' not in _columns(db, 'contact'):
        db.execute_sql("ALTER TABLE contact ADD COLUMN language VARCHAR(255) NOT NULL DEFAULT ''")


def down(migrator, db):
    if 'language' in _columns(db, 'contact'):
        db.execute_sql('ALTER TABLE contact DROP COLUMN language')
