"""`crm sync` against Radicale on loopback: a first sync next to the `caldav` library alone
uploading the same items (the floor), and a no-change sync next to `crm agenda --json`.

The database is made fresh for this group (demo sample, generated contacts and pending
follow-ups). Whatever `crm sync` syncs (the sides in crm.services.sync.run) is rendered by
crm's own renderers and uploaded by a plain caldav script, one request per item, to a fresh
Radicale; `crm sync` then runs as a whole process against another fresh Radicale with the same
settings. Radicale fsyncs every write (~17 ms a PUT here), so the full size takes minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.context import FULL, NOW, QUICK, Context, Sizes
from bench.startup import as_installed
from bench.stats import Goal, Measurement

PASSWORD_ENV = "CRM_BENCH_DAV_PASSWORD"


def sync_sizes(sizes: Sizes) -> tuple[int, int]:
    """(pending follow-ups, contacts) for the benchmark size."""
    if sizes == FULL:
        return 1_000, 5_000
    if sizes == QUICK:
        return 200, 1_000
    return 20, 100


# A plain script: log in, find the principal, make the collections, upload each item with one
# request. Items come rendered by crm (argv[1], JSON), so both sides send the same bodies.
FLOOR = """
import json, sys
from urllib.parse import quote, urljoin
import caldav

url, user, collections = sys.argv[2], sys.argv[3], json.load(open(sys.argv[1]))
client = caldav.DAVClient(url=url, username=user, password=sys.argv[4])
principal = client.principal()
for c in collections:
    if c["kind"] == "calendar":
        calendar = principal.make_calendar(
            name=c["name"], supported_calendar_component_set=[c["component"]]
        )
        add = calendar.add_todo if c["component"] == "VTODO" else calendar.add_event
        for _uid, body in c["items"]:
            add(body)
    else:
        book = urljoin(str(principal.url), quote(c["name"]) + "/")
        made = client.request(
            book,
            "MKCOL",
            '<?xml version="1.0" encoding="utf-8"?>'
            '<D:mkcol xmlns:D="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>'
            "<D:resourcetype><D:collection/><A:addressbook/></D:resourcetype>"
            "</D:prop></D:set></D:mkcol>",
            {"Content-Type": "application/xml"},
        )
        assert made.status in (200, 201), made.status
        headers = {"Content-Type": c["content_type"] + "; charset=utf-8"}
        for uid, body in c["items"]:
            response = client.put(book + quote(uid) + c["suffix"], body, headers)
            assert response.status in (200, 201, 204), response.status
print(sum(len(c["items"]) for c in collections))
"""


def _make_database(path: Path, follow_ups: int, contacts: int, seed: int) -> None:
    from crm.db import close_database, db, migrate, open_database
    from crm.services import demo
    from crm.services.contacts import count_contacts
    from crm.services.generated_history import add_generated_history

    open_database(path)
    try:
        migrate()
        demo.write_sample(NOW)
        first = count_contacts() + 1
        demo.add_generated_contacts(contacts - count_contacts(), seed=seed, now=NOW)
        add_generated_history(
            interactions=0,
            follow_ups=follow_ups,
            connections=0,
            now=NOW,
            seed=seed,
            first_contact_id=first,
        )
        with db.connection_context():
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()


def _render(path: Path, config: Path) -> list[dict[str, object]]:
    """What a first `crm sync` sends, per collection, rendered by crm's own sides."""
    from crm.config import load_settings
    from crm.db import close_database, open_database
    from crm.services.sync.run import _sides
    from crm.services.tx import reading

    settings = load_settings(config).sync
    open_database(path)
    try:
        collections: list[dict[str, object]] = []
        with reading():
            for side, name, component in _sides(settings):
                items = side.local({})
                collections.append(
                    {
                        "side": side.name,
                        "name": name,
                        "kind": side.kind,
                        "component": component,
                        "content_type": side.content_type,
                        "suffix": side.suffix,
                        "items": [[uid, item.body] for uid, item in items.items()],
                    }
                )
    finally:
        close_database()
    return collections


def _config(path: Path, server: object) -> Path:
    path.write_text(
        "[backups]\nkeep = 0\n"
        "[sync]\n"
        f'url = "{server.url}"\n'  # type: ignore[attr-defined]
        f'username = "{server.username}"\n'  # type: ignore[attr-defined]
        f'password_env = "{PASSWORD_ENV}"\n'
    )
    return path


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{argv[3:]} failed ({done.returncode}):\n{done.stderr}")
    return elapsed * 1000, done.stdout


def measure(ctx: Context) -> list[Measurement]:
    from tests.dav_servers import RadicaleServer

    follow_ups, contacts = sync_sizes(ctx.sizes)
    folder = ctx.work / "sync"
    folder.mkdir()
    database = folder / "crm.sqlite3"
    _make_database(database, follow_ups, contacts, ctx.seed)

    floor_server = RadicaleServer(folder / "dav-floor")
    crm_server = RadicaleServer(folder / "dav-crm")
    env = as_installed({**os.environ, PASSWORD_ENV: crm_server.password})
    env["CRM_CONFIG"] = str(_config(folder / "config.toml", crm_server))
    collections = _render(database, Path(env["CRM_CONFIG"]))
    bodies = folder / "bodies.json"
    bodies.write_text(json.dumps(collections, ensure_ascii=False))
    counts = ", ".join(f"{len(c['items']):,} {c['side']}" for c in collections)  # type: ignore[arg-type]
    total = sum(len(c["items"]) for c in collections)  # type: ignore[arg-type]
    size = f"{follow_ups:,} follow-ups + {contacts:,} contacts: {counts}"

    crm = [sys.executable, "-m", "crm", "--db", str(database), "--now", f"{NOW:%Y-%m-%d %H:%M}"]
    # Warm the file cache and write crm's bytecode, as the other process groups do.
    _timed([sys.executable, "-c", "import caldav, crm.cli.sync, crm.services.sync.run"], env)
    _timed(crm + ["agenda", "--json"], env)

    with floor_server, crm_server:
        floor_ms, out = _timed(
            [
                sys.executable,
                "-c",
                FLOOR,
                str(bodies),
                floor_server.url,
                floor_server.username,
                floor_server.password,
            ],
            env,
        )
        assert int(out) == total, (out, total)
        first_ms, out = _timed(crm + ["sync", "--json"], env)
        first = json.loads(out)
        sent = sum(c["sent"] for c in first["collections"].values())

        _, out = _timed(crm + ["sync", "--json"], env)  # may still see its own writes
        settle = json.loads(out)
        agenda: list[float] = []
        again: list[float] = []
        reports = []
        answers: list[float] = []
        for _ in range(max(ctx.runs, 3)):
            agenda.append(_timed(crm + ["agenda", "--json"], env)[0])
            elapsed, out = _timed(crm + ["sync", "--json"], env)
            again.append(elapsed)
            reports.append(json.loads(out))
            answers.append(_server_answers(database, crm_server))

    floor = Measurement(
        f"Sync floor: caldav alone uploads {total:,} items ({size})",
        [floor_ms],
        notes="a plain caldav script, whole process, one request per item, fresh Radicale",
    )
    first_sync = Measurement(
        f"Sync: crm sync, first ({total:,} items, {first['requests']:,} requests)",
        [first_ms],
        goals=(Goal("ratio", 1.5),),
        baseline=floor.name,
        ratio=first_ms / floor.p50,
        notes=f"sent {sent:,} of {total:,}",
        extra={"requests": first["requests"], "sent": sent},
    )
    baseline = Measurement("Process: crm agenda --json (sync database)", agenda)
    changed = [
        c["sent"] + c["received"] + c["deleted"] for r in reports for c in r["collections"].values()
    ]
    requests = [float(r["requests"]) for r in reports]
    no_change = Measurement(
        f"Sync: crm sync, no change ({total:,} items known)",
        again,
        goals=(Goal("ratio", 1.5),),
        baseline=baseline.name,
        notes=(
            f"after a settling sync ({settle['requests']} requests); "
            f"items moved in the timed runs: {sum(changed)}"
        ),
        extra={"requests": max(requests)},
    )
    no_change.ratio = no_change.p50 / baseline.p50
    counted = Measurement("Sync: HTTP requests of a no-change sync", requests, unit="req")
    server = Measurement(
        "Sync: the server answering those requests alone (in-process, no crm)",
        answers,
        baseline=baseline.name,
        notes=(
            "the same sync-collection REPORTs with the saved tokens over http.client: what "
            "any client waits for; Radicale reads every item of a collection to answer one"
        ),
    )
    server.ratio = server.p50 / baseline.p50
    return [floor, first_sync, baseline, no_change, counted, server]


def _server_answers(database: Path, server: object) -> float:
    """Milliseconds the server takes to answer a no-change sync's REPORTs, back to back."""
    import base64
    import http.client
    import sqlite3
    from contextlib import closing
    from urllib.parse import urlsplit

    from crm.services.sync.dav import sync_report

    with closing(sqlite3.connect(database)) as connection:
        saved = connection.execute("SELECT url, sync_token FROM sync_collection").fetchall()
    login = base64.b64encode(
        f"{server.username}:{server.password}".encode()  # type: ignore[attr-defined]
    ).decode()
    started = time.perf_counter()
    for url, token in saved:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.netloc, timeout=30)
        connection.request(
            "REPORT",
            parts.path,
            body=sync_report(token),
            headers={"Authorization": f"Basic {login}"},
        )
        connection.getresponse().read()
        connection.close()
    return (time.perf_counter() - started) * 1000
