"""The whole domain model, frozen as it was first created (later migrations alter it)."""

from peewee import *  # noqa: F403
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField

TABLES = (
    "company", "import_batch", "contact", "contact_topic", "contact_method", "import_change",
    "opportunity", "interview", "interview_interviewer", "interaction", "follow_up",
    "connection", "reference", "reference_given",
)


def up(migrator, db):
    class Company(Model):
        name = CharField()
        key = CharField(unique=True)
        website = CharField(default='')
        notes = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'company'
    db.create_tables([Company])

    class ImportBatch(Model):
        source = CharField()
        filename = CharField(default='')
        created_at = DateTimeField()
        summary = TextField(default='')
        undone_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'import_batch'
    db.create_tables([ImportBatch])

    class Contact(Model):
        uid = CharField(unique=True)
        name = CharField()
        sort_key = CharField(index=True)
        company = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        role = CharField(default='')
        email = CharField(index=True, default='')
        phone = CharField(default='')
        linkedin_url = CharField(index=True, default='')
        how_met = TextField(default='')
        relationship_note = TextField(default='')
        rapport = CharField(default='')
        keep_in_touch_days = IntegerField(null=True)
        import_batch = ForeignKeyField(ImportBatch, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contact'
    db.create_tables([Contact])

    class Connection(Model):
        contact_a = ForeignKeyField(Contact, on_delete='CASCADE')
        contact_b = ForeignKeyField(Contact, on_delete='CASCADE')
        source = CharField(default='other')
        note = TextField(default='')
        noted_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'connection'
            indexes = ((('contact_a', 'contact_b'), True), (('contact_b',), False))
    db.create_tables([Connection])

    class ContactMethod(Model):
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        kind = CharField()
        value = CharField()
        label = CharField(default='')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'contact_method'
            indexes = ((('kind', 'value'), False),)
    db.create_tables([ContactMethod])

    class ContactTopic(Model):
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        name = CharField()
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'contact_topic'
            indexes = ((('contact', 'name'), True),)
    db.create_tables([ContactTopic])

    class Opportunity(Model):
        uid = CharField(unique=True)
        company = ForeignKeyField(Company, on_delete='RESTRICT')
        role = CharField()
        stage = CharField(index=True, default='applied')
        referrer = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        quiet = BooleanField(default=False)
        notes = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'opportunity'
    db.create_tables([Opportunity])

    class Interview(Model):
        uid = CharField(unique=True)
        opportunity = ForeignKeyField(Opportunity, on_delete='CASCADE')
        starts_at = DateTimeField(index=True)
        ends_at = DateTimeField()
        kind = CharField(default='')
        location = CharField(default='')
        notes = TextField(default='')
        done_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'interview'
    db.create_tables([Interview])

    class Interaction(Model):
        uid = CharField(unique=True)
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        opportunity = ForeignKeyField(Opportunity, null=True, on_delete='SET NULL')
        occurred_at = DateTimeField()
        channel = CharField()
        kind = CharField()
        direction = CharField(default='outbound')
        summary = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'interaction'
            indexes = ((('contact', 'occurred_at'), False), (('opportunity', 'occurred_at'), False), (('occurred_at',), False))
    db.create_tables([Interaction])

    class FollowUp(Model):
        uid = CharField(unique=True)
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        opportunity = ForeignKeyField(Opportunity, null=True, on_delete='SET NULL')
        interview = ForeignKeyField(Interview, null=True, on_delete='SET NULL')
        origin = ForeignKeyField(Interaction, null=True, on_delete='SET NULL')
        kind = CharField()
        window_start = DateTimeField()
        window_end = DateTimeField()
        done_at = DateTimeField(null=True)
        snoozed_until = DateTimeField(null=True)
        note = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'follow_up'
            indexes = ((('done_at', 'window_end'), False), (('contact', 'window_end'), False), (('opportunity', 'done_at'), False))
    db.create_tables([FollowUp])

    class ImportChange(Model):
        batch = ForeignKeyField(ImportBatch, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        action = CharField()
        previous = TextField(default='')
        class Meta:
            database = db
            table_name = 'import_change'
    db.create_tables([ImportChange])

    class InterviewInterviewer(Model):
        interview = ForeignKeyField(Interview, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'interview_interviewer'
            indexes = ((('interview', 'contact'), True),)
    db.create_tables([InterviewInterviewer])

    class Reference(Model):
        contact = ForeignKeyField(Contact, unique=True, on_delete='CASCADE')
        relationship = TextField(default='')
        talking_points = TextField(default='')
        last_briefed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'reference'
    db.create_tables([Reference])

    class ReferenceGiven(Model):
        reference = ForeignKeyField(Reference, on_delete='CASCADE')
        opportunity = ForeignKeyField(Opportunity, on_delete='CASCADE')
        given_at = DateTimeField()
        expected_call_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'reference_given'
            indexes = ((('reference', 'opportunity'), True),)
    db.create_tables([ReferenceGiven])

    class ContactIndex(FTS5Model):
        rowid = RowIDField()
        name = SearchField()
        company = SearchField()
        role = SearchField()
        topics = SearchField()
        notes = SearchField()
        class Meta:
            database = db
            table_name = 'contact_index'
            options = {'tokenize': 'unicode61 remove_diacritics 2', 'prefix': '1 2 3'}
    db.create_tables([ContactIndex])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS contact_index')
    for table in reversed(TABLES):
        migrator.migrate(migrator.drop_table(table))
