"""An mbox import resumes where its last committed batch ended: a mail source keeps what must
still hold for that (a digest of the file's first bytes and of those just before the offset,
a digest of whom crm knew and of the [mail] rules then) and the time window it read with."""

from peewee import *  # noqa: F403


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    # Plain ADD COLUMNs, as 0009 and 0010 do.
    columns = _columns(db, 'mail_source')
    if 'file_digest' not in columns:
        db.execute_sql("ALTER TABLE mail_source ADD COLUMN file_digest VARCHAR(255) NOT NULL DEFAULT ''")
    if 'rules_digest' not in columns:
        db.execute_sql("ALTER TABLE mail_source ADD COLUMN rules_digest VARCHAR(255) NOT NULL DEFAULT ''")
    if 'window_since' not in columns:
        db.execute_sql('ALTER TABLE mail_source ADD COLUMN window_since DATETIME')
    if 'window_until' not in columns:
        db.execute_sql('ALTER TABLE mail_source ADD COLUMN window_until DATETIME')


def down(migrator, db):
    columns = _columns(db, 'mail_source')
    for column in ('window_until', 'window_since', 'rules_digest', 'file_digest'):
        if column in columns:
            db.execute_sql(f'ALTER TABLE mail_source DROP COLUMN {column}')
