"""A process's referrers live in opportunity_person only: drop opportunity.referrer_id.

Any referrer a crm at schema 0003 still wrote to the old column is carried over first. SQLite
can't drop a column that has a foreign key, so the table is rebuilt; foreign keys are off
meanwhile, or dropping the old table would cascade to its interviews and follow-ups.
"""

from peewee import *  # noqa: F403

atomic = False  # PRAGMA foreign_keys can't change inside a transaction


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def _without_foreign_keys(db, change):
    db.execute_sql('PRAGMA foreign_keys = OFF')
    try:
        with db.atomic():
            change()
            problems = db.execute_sql('PRAGMA foreign_key_check').fetchall()
            if problems:
                raise IntegrityError(f'foreign keys broken by the migration: {problems[:5]}')
    finally:
        db.execute_sql('PRAGMA foreign_keys = ON')


def up(migrator, db):
    if 'referrer_id' not in _columns(db, 'opportunity'):
        return  # a run interrupted after the rebuild: nothing left to do

    def change():
        db.execute_sql(
            "INSERT OR IGNORE INTO opportunity_person (opportunity_id, contact_id, role, position)"
            " SELECT o.id, o.referrer_id, 'referrer',"
            "  (SELECT COALESCE(MAX(p.position) + 1, 0) FROM opportunity_person p"
            "   WHERE p.opportunity_id = o.id)"
            " FROM opportunity o WHERE o.referrer_id IS NOT NULL"
            " AND o.referrer_id IN (SELECT id FROM contact)"
        )
        migrator.migrate(migrator.drop_column('opportunity', 'referrer_id', legacy=True))

    _without_foreign_keys(db, change)


def down(migrator, db):
    if 'referrer_id' in _columns(db, 'opportunity'):
        return

    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    def change():
        migrator.migrate(
            migrator.add_column(
                'opportunity',
                'referrer_id',
                ForeignKeyField(Contact, null=True, on_delete='SET NULL', field=Contact.id),
            )
        )
        db.execute_sql(
            "UPDATE opportunity SET referrer_id = (SELECT p.contact_id FROM opportunity_person p"
            " WHERE p.opportunity_id = opportunity.id AND p.role = 'referrer'"
            " ORDER BY p.position, p.id LIMIT 1)"
        )

    _without_foreign_keys(db, change)
