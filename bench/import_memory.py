"""Peak memory of imports in a child process: a vCard with a huge PHOTO, a LinkedIn CSV, JSON.

Each import runs as `crm import …` does, in a fresh child process that reports its own
high-water RSS (VmHWM), so the figure is the import's alone. Each is reported in MiB and as
a ratio to the same import of a small file, so growth with the file's size shows.

    python -m bench.import_memory DB KIND FILE   # the child: prints "peak_kib N" last
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.context import Context
from bench.files import address_book_vcf, connections_csv
from bench.memory import peak_rss_kib
from bench.stats import Goal, Measurement

PEAK_LINE = "peak_kib "
GROWTH_GOAL = Goal("ratio", 2.0)  # a photo 4,000 times bigger may not need twice the memory


def peak_import_mib(db_path: Path, kind: str, file: Path) -> float:
    """Peak RSS, in MiB, of a child running `crm --db DB import KIND FILE` into a new database."""
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_memory", str(db_path), kind, str(file)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith(PEAK_LINE):
        raise RuntimeError(f"import {kind} {file.name} failed: {done.stderr or done.stdout}")
    return int(lines[-1].removeprefix(PEAK_LINE)) / 1024


def write_vcard_with_photo(path: Path, photo_mb: float, cards: int = 200) -> None:
    """``cards`` ordinary cards, then one whose base64 PHOTO is ``photo_mb`` MB, folded at 75."""
    rng = random.Random(2026)
    with path.open("wb") as out:
        out.write(address_book_vcf(cards))
        out.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nN:Photo;Big;;;\r\n")
        out.write(b"PHOTO;ENCODING=b;TYPE=JPEG:")
        remaining = int(photo_mb * 1e6 * 3 / 4)
        first = True
        while remaining > 0:
            raw = rng.randbytes(min(remaining, 74 * 3 * 4096))
            remaining -= len(raw)
            text = base64.b64encode(raw)
            lines = [text[i : i + 74] for i in range(0, len(text), 74)]
            if first:
                out.write(lines[0] + b"\r\n")
                lines, first = lines[1:], False
            out.write(b"".join(b" " + line + b"\r\n" for line in lines))
        out.write(b"END:VCARD\r\n")


def write_json_export(path: Path, interactions: int, *, seed: int = 2026) -> None:
    """A valid `crm export json` document: a contact per 20 conversations, written a record
    at a time (as indented as the export), so a big one costs the writer no memory."""
    rng = random.Random(seed)
    contacts = max(1, interactions // 20)
    channels, kinds = ("email", "call", "video", "meeting"), ("check-in", "casual")

    def record(item: dict[str, object]) -> str:
        return "    " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")

    def section(name: str, items: Iterator[dict[str, object]], last: bool = False) -> None:
        out.write(f'  "{name}": [\n')
        first = True
        for item in items:
            out.write(("" if first else ",\n") + record(item))
            first = False
        out.write(("\n  ]" if not first else "]") + ("\n" if last else ",\n"))

    def people() -> Iterator[dict[str, object]]:
        for number in range(contacts):
            yield {
                "uid": f"c-{number:07d}", "name": f"Person {number}", "company": None,
                "role": "Engineer", "email": f"p{number}@example.org", "phone": "",
                "linkedin_url": "", "how_met": "A meetup", "relationship_note": "",
                "rapport": "", "keep_in_touch_days": 90,
                "created_at": "2025-01-02T03:04:05Z", "updated_at": "2025-01-02T03:04:05Z",
                "topics": ["chess"], "methods": [],
            }  # fmt: skip

    def conversations() -> Iterator[dict[str, object]]:
        for number in range(interactions):
            at = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:00:00Z"
            yield {
                "uid": f"i-{number:08d}", "contact": f"c-{rng.randrange(contacts):07d}",
                "opportunity": None, "occurred_at": at, "channel": rng.choice(channels),
                "kind": rng.choice(kinds), "direction": "outbound",
                "summary": " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 30))),
                "created_at": at,
            }  # fmt: skip

    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "format": "crm",\n  "version": 1,\n')
        section("contacts", people())
        section("interactions", conversations(), last=True)
        out.write("}\n")


_WORDS = "coffee roadmap team hiring chess intro call follow up offer Rust Agile café мир".split()


def write_export_json(source_db: Path, path: Path) -> None:
    """What `crm export json` writes for ``source_db`` (the generated database), from a copy."""
    from crm.db import close_database, open_database
    from crm.services import exchange

    copy = path.with_suffix(".sqlite3")
    shutil.copyfile(source_db, copy)
    open_database(copy)
    try:
        path.write_text(exchange.export_json(), encoding="utf-8")
    finally:
        close_database()
        for leftover in copy.parent.glob(copy.name + "*"):
            leftover.unlink()


def measure(ctx: Context) -> list[Measurement]:
    """Peak memory of importing big and small files of each kind."""
    folder = ctx.work / "import-memory"
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "crm.sqlite3"
    photo_mb = max(1.0, ctx.sizes.vcards / 25)  # 40 MB at --quick, 400 MB at full size
    small_vcf, big_vcf = folder / "small.vcf", folder / "photo.vcf"
    write_vcard_with_photo(small_vcf, 0.01)
    write_vcard_with_photo(big_vcf, photo_mb)
    small_csv, big_csv = folder / "small.csv", folder / "Connections.csv"
    small_csv.write_bytes(connections_csv(1_000))
    big_csv.write_bytes(connections_csv(ctx.sizes.linkedin_rows * 50))  # 20 MB at --quick
    small_json, big_json = folder / "small.json", folder / "export.json"
    write_json_export(small_json, 500)
    write_export_json(ctx.database, big_json)  # 49 MB at --quick
    results = [
        _compared("vCard with one big PHOTO", "vcard", small_vcf, big_vcf, db_path, GROWTH_GOAL),
        # Every row of a Connections.csv is kept until it is written: memory grows with rows.
        _compared("LinkedIn CSV", "linkedin", small_csv, big_csv, db_path),
        # Streamed too, but the checked rows of a JSON export are kept until they are written.
        _compared("JSON export", "json", small_json, big_json, db_path),
    ]
    shutil.rmtree(folder)
    return results


def _compared(
    what: str, kind: str, small: Path, big: Path, db_path: Path, *goals: Goal
) -> Measurement:
    small_mib = peak_import_mib(db_path, kind, small)
    started = time.perf_counter()
    big_mib = peak_import_mib(db_path, kind, big)
    seconds = time.perf_counter() - started
    big_mb, small_mb = big.stat().st_size / 1e6, small.stat().st_size / 1e6
    return Measurement(
        f"Peak memory: {what}, {big_mb:.0f} MB",
        [big_mib],
        unit="MiB",
        goals=goals,
        ratio=big_mib / small_mib,
        baseline=f"the same import of {small_mb:.2f} MB: {small_mib:.0f} MiB",
        notes=(
            f"{big_mib / big_mb:.2f} MiB per MB of file; ratio to the small file's peak; "
            f"the import took {seconds:.1f} s"
        ),
        extra={"mb": big_mb, "small_mib": small_mib, "seconds": seconds},
    )


def _child(db_path: str, kind: str, file: str) -> None:
    from crm.cli import main

    try:
        main(["--db", db_path, "import", kind, file])
    except SystemExit as done:
        if done.code:
            raise
    print(f"{PEAK_LINE}{peak_rss_kib()}", flush=True)


if __name__ == "__main__":
    _child(*sys.argv[1:4])
