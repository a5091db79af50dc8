"""Hold a database's write lock, as another writer would: ``lock_holder.py DB SECONDS MODE``.

MODE ``busy`` writes into a scratch table all along, as a long import does (its pages spill
into the -wal file); ``stuck`` holds the lock and does nothing, as a hung program would. It
prints "locked" once it holds the lock, and commits after SECONDS.
"""

from __future__ import annotations

import sqlite3
import sys
import time


def main(db_path: str, seconds: float, mode: str) -> None:
    connection = sqlite3.connect(db_path, isolation_level=None, timeout=60)
    connection.execute("CREATE TABLE IF NOT EXISTS scratch (data BLOB)")
    connection.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if mode == "busy":
            connection.execute("INSERT INTO scratch VALUES (randomblob(100000))")
        time.sleep(0.1)
    connection.execute("COMMIT")
    connection.close()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3])
