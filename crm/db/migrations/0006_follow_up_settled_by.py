"""Which logged conversation settled a follow-up, so editing or deleting that conversation can
undo exactly what it settled.

Follow-ups settled before this version are linked to the conversation logged at the moment they
were marked done (logging stamps them with the conversation's time; marking done by hand never
lands on it to the second).
"""

from peewee import *  # noqa: F403


def up(migrator, db):
    class Interaction(Model):
        class Meta:
            database = db
            table_name = 'interaction'

    migrator.migrate(
        migrator.add_column(
            'follow_up',
            'settled_by_id',
            ForeignKeyField(Interaction, null=True, on_delete='SET NULL', field=Interaction.id),
        ),
    )
    db.execute_sql(
        "UPDATE follow_up SET settled_by_id = (SELECT i.id FROM interaction i"
        " WHERE i.contact_id = follow_up.contact_id AND i.occurred_at = follow_up.done_at"
        " ORDER BY i.id LIMIT 1)"
        " WHERE done_at IS NOT NULL AND cancelled_by = ''"
    )


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS follow_up_settled_by_id')
    migrator.migrate(migrator.drop_column('follow_up', 'settled_by_id'))
