"""What a job seeker tracks on an opportunity: the posting's link, where, the salary, when they
applied and which CV or cover letter they sent (its notes column is there already)."""

from peewee import *  # noqa: F403

COLUMNS = ('url', 'location', 'salary', 'applied_at', 'cv')


def _columns(db, table):
    return {column.name for column in db.get_columns(table)}


def up(migrator, db):
    have = _columns(db, 'opportunity')
    fields = {
        'url': CharField(default=''),
        'location': CharField(default=''),
        'salary': CharField(default=''),
        'applied_at': DateTimeField(null=True),
        'cv': CharField(default=''),
    }
    migrator.migrate(
        *(migrator.add_column('opportunity', name, field)
          for name, field in fields.items() if name not in have)
    )


def down(migrator, db):
    have = _columns(db, 'opportunity')
    migrator.migrate(
        *(migrator.drop_column('opportunity', name) for name in COLUMNS if name in have)
    )
