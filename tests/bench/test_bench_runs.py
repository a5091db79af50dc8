"""The benchmark code runs end to end on tiny data, so it can't rot. No timing is asserted."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bench import instructions
from bench.context import TINY
from bench.data import database_for
from bench.queries import search_queries
from bench.run import main
from bench.stats import Goal, Measurement, percentile


def test_percentile_is_nearest_rank() -> None:
    samples = list(range(1, 201))
    assert percentile(samples, 0.99) == 198
    assert percentile(samples, 0.5) == 100
    assert percentile([7.0], 0.99) == 7.0


def test_goals_are_judged_on_the_stat_they_name() -> None:
    fast = Measurement("x", [10.0] * 99 + [40.0], goals=(Goal("p50", 16.7), Goal("p99", 33)))
    assert fast.p99 == 10.0 and fast.goal_met() is True
    slow = Measurement("x", [10.0] * 98 + [40.0, 40.0], goals=(Goal("p99", 33),))
    assert slow.goal_met() is False
    assert Measurement("x", [1.0]).goal_met() is None


def test_generated_data_has_the_sizes_asked_for_and_is_reused(tmp_path) -> None:
    path, busiest = database_for(TINY, 2026, tmp_path, log=lambda _: None)
    with sqlite3.connect(path) as connection:
        count = dict(
            (table, connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("contact", "interaction", "follow_up", "connection")
        )
        timeline = connection.execute(
            "SELECT COUNT(*) FROM interaction WHERE contact_id = ?", (busiest,)
        ).fetchone()[0]
    connection.close()
    assert count["contact"] == TINY.contacts
    assert count["interaction"] >= TINY.interactions
    assert count["follow_up"] >= TINY.follow_ups
    assert count["connection"] >= TINY.connections
    assert timeline == 1000
    again, _ = database_for(TINY, 2026, tmp_path, log=lambda _: pytest.fail("rebuilt"))
    assert again == path


def test_queries_mix_scripts_and_lengths(tmp_path) -> None:
    path, _ = database_for(TINY, 2026, tmp_path, log=lambda _: None)
    queries = search_queries(path, 40)
    assert len(queries) == 40
    assert all(1 <= len(q) <= 5 for q in queries)
    assert any(any("а" <= ch.lower() <= "я" for ch in q) for q in queries)  # Cyrillic
    assert any(not q.isascii() and not any("а" <= ch.lower() <= "я" for ch in q) for q in queries)


@pytest.mark.slow
def test_every_benchmark_runs_once_on_tiny_data(tmp_path, capsys) -> None:
    out = tmp_path / "results.json"
    assert main(["--tiny", "--data", str(tmp_path / "data"), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text())["results"]
    names = [r["name"] for r in results]
    expected_names = [
        "Cold start: crm",
        "Search as you type",
        "Search, keys back to back",
        "Open a contact",
        "Today view",
        "Process: crm agenda",
        "LinkedIn import",
        "vCard import",
        "Peak memory",
        "Sync: crm sync, first",
        "Sync: crm sync, no change",
        "Ring check",
        "Mail: crm import mail, first",
        "Peak memory: crm import mail",
    ]
    if instructions.available():
        expected_names += ["Cold start in instructions: crm", "Cold start in instructions: Today"]
    for expected in expected_names:
        assert any(name.startswith(expected) for name in names), expected
        assert expected in printed
    assert all(r["runs"] >= 1 and r["p50"] > 0 for r in results)
    counted = [r for r in results if r["name"].startswith("Cold start in instructions: crm")]
    assert all(r["ratio"] > 1 for r in counted)  # crm does more than an empty table
