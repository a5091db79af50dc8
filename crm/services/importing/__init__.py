"""Imports: one small reader per format feeding one pipeline, each import an undoable batch.

To add a source (phone sync, mail): write a reader module here that turns its data into
``cards.AddressCard`` records (a ``cards.ParsedCards``), then call ``pipeline.import_cards``
with a new source name; matching, planning, writing, the history and undo come with it.
"""
