"""Several referrers (and people who pulled strings) per process, their promises, and the
follow-ups a closed process cancelled (kept in history)."""

from peewee import *  # noqa: F403


def up(migrator, db):
    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    class Opportunity(Model):
        class Meta:
            database = db
            table_name = 'opportunity'

    class OpportunityPerson(Model):
        opportunity = ForeignKeyField(Opportunity, on_delete='CASCADE')
        contact = ForeignKeyField(Contact, on_delete='CASCADE')
        role = CharField(default='referrer')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'opportunity_person'
            indexes = ((('opportunity', 'contact'), True), (('contact',), False))
    db.create_tables([OpportunityPerson])
    db.execute_sql(
        "INSERT INTO opportunity_person (opportunity_id, contact_id, role, position)"
        " SELECT id, referrer_id, 'referrer', 0 FROM opportunity WHERE referrer_id IS NOT NULL"
    )
    migrator.migrate(
        migrator.add_column('follow_up', 'cancelled_by', CharField(default='')),
        migrator.add_column('interaction', 'promised_at', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('interaction', 'promised_at'),
        migrator.drop_column('follow_up', 'cancelled_by'),
    )
    db.execute_sql('DROP TABLE IF EXISTS opportunity_person')
