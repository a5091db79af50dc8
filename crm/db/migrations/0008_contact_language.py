"""The language crm writes a contact's drafts in ("en", "ru"; "" = the [drafts] default)."""

from peewee import *  # noqa: F403


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    if 'language' not in _columns(db, 'contact'):
        migrator.migrate(migrator.add_column('contact', 'language', CharField(default='')))


def down(migrator, db):
    if 'language' in _columns(db, 'contact'):
        migrator.migrate(migrator.drop_column('contact', 'language'))
