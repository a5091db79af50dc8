"""Mail comes in by itself: each conversation keeps its Message-ID (so a message is never
logged twice with one person; a message to two contacts is a conversation with each), unknown people at a company in play wait for review, and each mail source
remembers where its last import stopped."""

from peewee import *  # noqa: F403


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    # Plain SQL: the migrator's NOT NULL rebuilds the table, dropping the sync clock's
    # triggers on it (0007).
    if 'message_id' not in _columns(db, 'interaction'):
        db.execute_sql(
            "ALTER TABLE interaction ADD COLUMN message_id VARCHAR(255) NOT NULL DEFAULT ''"
        )
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS interaction_contact_id_message_id'
        ' ON interaction (contact_id, message_id)'
        " WHERE message_id <> ''"
    )
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS mail_proposal ('
        ' id INTEGER NOT NULL PRIMARY KEY,'
        " kind VARCHAR(255) NOT NULL DEFAULT 'contact',"
        ' address VARCHAR(255) NOT NULL,'
        " name VARCHAR(255) NOT NULL DEFAULT '',"
        ' company_id INTEGER REFERENCES company (id) ON DELETE CASCADE,'
        ' first_seen DATETIME NOT NULL,'
        ' last_seen DATETIME NOT NULL,'
        ' messages INTEGER NOT NULL DEFAULT 0,'
        " state VARCHAR(255) NOT NULL DEFAULT 'pending')"
    )
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS mail_proposal_kind_address'
        ' ON mail_proposal (kind, address)'
    )
    db.execute_sql('CREATE INDEX IF NOT EXISTS mail_proposal_company_id ON mail_proposal (company_id)')
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS mail_source ('
        ' id INTEGER NOT NULL PRIMARY KEY,'
        ' source VARCHAR(255) NOT NULL,'
        ' uidvalidity INTEGER NOT NULL DEFAULT 0,'
        ' last_uid INTEGER NOT NULL DEFAULT 0,'
        ' last_offset INTEGER NOT NULL DEFAULT 0,'
        ' updated_at DATETIME NOT NULL)'
    )
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS mail_source_source ON mail_source (source)')


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS mail_source')
    db.execute_sql('DROP TABLE IF EXISTS mail_proposal')
    db.execute_sql('DROP INDEX IF EXISTS interaction_contact_id_message_id')
    if 'message_id' in _columns(db, 'interaction'):
        db.execute_sql('ALTER TABLE interaction DROP COLUMN message_id')
