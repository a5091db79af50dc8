"""What CalDAV/CardDAV sync remembers: each collection's token, each item's href and ETag, the
values both sides last agreed on, the sync history, and a clock the triggers below advance
whenever something a sync sends changes (so a sync with nothing new locally reads one row).
"""

from peewee import *  # noqa: F403

# Every table whose rows end up in a task, an event or a card.
WATCHED = (
    'contact', 'contact_method', 'contact_topic', 'company', 'follow_up', 'opportunity',
    'interview', 'interview_interviewer',
)


def up(migrator, db):
    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    class SyncCollection(Model):
        name = CharField(unique=True)
        url = CharField(default='')
        source = CharField(default='')
        sync_token = CharField(default='')
        clock = IntegerField(default=-1)

        class Meta:
            database = db
            table_name = 'sync_collection'

    class SyncItem(Model):
        collection = CharField()
        uid = CharField()
        server_uid = CharField(default='')
        href = CharField()
        etag = CharField(default='')
        pushed = CharField(default='')
        base = TextField(default='')
        state = CharField(default='')
        synced_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'sync_item'
            indexes = ((('collection', 'uid'), True),)

    class SyncEvent(Model):
        at = DateTimeField(index=True)
        collection = CharField()
        uid = CharField(default='')
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL', field='id')
        action = CharField()
        detail = TextField(default='')

        class Meta:
            database = db
            table_name = 'sync_event'

    class SyncClock(Model):
        ticks = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'sync_clock'

    db.create_tables([SyncCollection, SyncItem, SyncEvent, SyncClock])
    for table in WATCHED:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            db.execute_sql(
                f'CREATE TRIGGER sync_clock_{table}_{event.lower()} AFTER {event} ON {table}'
                ' BEGIN INSERT INTO sync_clock (id, ticks) VALUES (1, 1)'
                ' ON CONFLICT (id) DO UPDATE SET ticks = ticks + 1; END'
            )


def down(migrator, db):
    for table in WATCHED:
        for event in ('insert', 'update', 'delete'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS sync_clock_{table}_{event}')
    for table in ('sync_clock', 'sync_event', 'sync_item', 'sync_collection'):
        db.execute_sql(f'DROP TABLE IF EXISTS {table}')
