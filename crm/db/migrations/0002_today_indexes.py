"""Indexes for the Today view: pending follow-ups by window end and start, snoozes apart."""

from peewee import *  # noqa: F403

SET_APART = 'follow_up_snoozed_or_inverted'


def up(migrator, db):
    migrator.migrate(
        # (done_at, window_end) becomes a prefix of the wider index, so it goes.
        migrator.drop_index('follow_up', 'followup_done_at_window_end'),
        migrator.add_index('follow_up', ('done_at', 'window_end', 'window_start'), False),
        migrator.add_index('follow_up', ('done_at', 'window_start'), False),
        migrator.add_index(
            'follow_up', ('done_at',), False,
            where=SQL('snoozed_until IS NOT NULL OR window_start > window_end'),
            name=SET_APART,
        ),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('follow_up', SET_APART),
        migrator.drop_index('follow_up', 'follow_up_done_at_window_start'),
        migrator.drop_index('follow_up', 'follow_up_done_at_window_end_window_start'),
        migrator.add_index(
            'follow_up', ('done_at', 'window_end'), False, name='followup_done_at_window_end'
        ),
    )
