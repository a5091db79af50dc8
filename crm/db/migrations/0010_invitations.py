"""Invitations come in by themselves: an interview keeps the calendar UID and SEQUENCE of
the invitation it came from (so a reschedule finds it and an old copy changes nothing) and
when it was cancelled; a proposal keeps what it proposes (an interview's invitation) as
JSON."""

from peewee import *  # noqa: F403


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    # Plain ADD COLUMNs: the migrator's NOT NULL rebuilds the table, dropping the sync
    # clock's triggers on it (0007).
    columns = _columns(db, 'interview')
    if 'invite_uid' not in columns:
        db.execute_sql("ALTER TABLE interview ADD COLUMN invite_uid VARCHAR(255) NOT NULL DEFAULT ''")
    if 'invite_sequence' not in columns:
        db.execute_sql('ALTER TABLE interview ADD COLUMN invite_sequence INTEGER NOT NULL DEFAULT 0')
    if 'cancelled_at' not in columns:
        db.execute_sql('ALTER TABLE interview ADD COLUMN cancelled_at DATETIME')
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS interview_invite_uid'
        " ON interview (invite_uid) WHERE invite_uid <> ''"
    )
    if 'detail' not in _columns(db, 'mail_proposal'):
        db.execute_sql("ALTER TABLE mail_proposal ADD COLUMN detail TEXT NOT NULL DEFAULT ''")


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS interview_invite_uid')
    columns = _columns(db, 'interview')
    for column in ('cancelled_at', 'invite_sequence', 'invite_uid'):
        if column in columns:
            db.execute_sql(f'ALTER TABLE interview DROP COLUMN {column}')
    if 'detail' in _columns(db, 'mail_proposal'):
        db.execute_sql('ALTER TABLE mail_proposal DROP COLUMN detail')
