"""A child process for the restore test: adds contacts through the services and reports each.

Run as ``python contact_writer.py DB TAG``. Each write stands alone (a restore may take away
anything written before it), and after it has committed the child prints
``contact ID NAME`` (the journal_writer format) and flushes, until killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from crm.db import open_database
from crm.domain.types import ContactDraft
from crm.services import contacts


def main(argv: list[str]) -> None:
    db_path, tag = Path(argv[0]), argv[1]
    open_database(db_path)  # migrated by the parent
    count = 0
    while True:
        name = f"Zoë Writer {tag}-{count}"
        contact_id = contacts.create_contact(ContactDraft(name=name, company="Ørsted Ltd"))
        sys.stdout.write(f"contact {contact_id} {name}\n")
        sys.stdout.flush()
        count += 1


if __name__ == "__main__":
    main(sys.argv[1:])
