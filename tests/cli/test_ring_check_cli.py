"""`crm ring-check`: the phrases that give up the ring, exit 1; a kept ring or a plain note, 0."""

from __future__ import annotations

import io
import json

import pytest

from tests.cli.test_cli import crm

NOW = "2026-12-03 12:00"  # a Thursday (tests run with TZ=UTC)


def ring_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return crm(capsys, "--now", NOW, "ring-check", *args)


def test_a_given_up_ring_prints_each_phrase_with_its_line_and_the_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = ring_check(capsys, "Thanks for today.\nHope to hear from you soon!\nLMK")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "Gives up the ring:",
        "  line 2: “Hope to hear from you soon” — Hoping to hear from them leaves the next step"
        " to them.",
        "  line 3: “LMK” — “LMK” asks them to make the next move.",
        "Instead: I'll call you on Monday if I haven't heard back.",
    ]


def test_a_kept_ring_names_the_day_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ring_check(
        capsys, "Let me know if you have questions. I'll call you on Thursday."
    )
    assert (code, err) == (0, "")
    assert out == "Keeps the ring: “I'll call you on Thursday” — Thursday 10 Dec\n"
    code, out, _ = ring_check(capsys, "Наберу вам в пятницу в 15:00")
    assert (code, out) == (
        0,
        "Keeps the ring: “Наберу вам в пятницу в 15:00” — Friday 4 Dec 15:00\n",
    )


def test_a_plain_note_is_not_flagged_but_gets_the_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = ring_check(capsys, "Talked about the team")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "No next step is named.",
        "End with: I'll call you on Monday if I haven't heard back.",
    ]


@pytest.mark.parametrize("args", [(), ("-",)])
def test_text_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Спасибо!\n\nЖду вашего ответа.\n"))
    code, out, _ = ring_check(capsys, *args)
    assert code == 1
    assert "  line 3: “Жду вашего ответа”" in out
    assert out.splitlines()[-1] == (
        "Instead: Я позвоню вам в понедельник, если от вас не будет вестей."
    )


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = ring_check(capsys, text)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("crm: Nothing to check")


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ring_check(capsys, "--json", "Thanks!\nhihintayin ko po ang sagot ninyo")
    assert code == 1
    payload = json.loads(out)
    assert payload == {
        "verdict": "given-up",
        "language": "tl",
        "phrases": [
            {
                "phrase": "hihintayin ko po ang sagot ninyo",
                "line": 2,
                "why": payload["phrases"][0]["why"],
            }
        ],
        "commitment": None,
        "suggestion": "Tatawagan ko po kayo sa Lunes kung wala pa po akong balita.",
    }
    code, out, _ = ring_check(capsys, "--json", "I'll follow up tomorrow at 3pm")
    assert code == 0
    assert json.loads(out) == {
        "verdict": "kept",
        "language": "en",
        "phrases": [],
        "commitment": {
            "phrase": "I'll follow up tomorrow at 3pm",
            "due": "2026-12-04T15:00:00+00:00",
        },
        "suggestion": "",
    }


def test_lang_picks_the_suggestions_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ring_check(capsys, "--lang", "ru", "Let me know")
    assert code == 1
    assert out.splitlines()[-1] == (
        "Instead: Я позвоню вам в понедельник, если от вас не будет вестей."
    )


def test_the_user_zone_sets_the_day(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 23:00 UTC on Friday is already Saturday in Moscow: Friday is a week away.
    monkeypatch.setenv("TZ", "Europe/Moscow")
    code, out, _ = crm(
        capsys, "--now", "2026-12-05 02:00", "ring-check", "--json", "Позвоню в пятницу"
    )
    assert code == 0
    assert json.loads(out)["commitment"]["due"] == "2026-12-11T09:00:00+03:00"


def test_markup_and_controls_in_the_text_are_printed_as_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = ring_check(capsys, "I'll call you [bold]tomorrow\x1b[2J")
    assert code == 0
    assert out == "Keeps the ring: “I'll call you [bold]tomorrow” — Friday 4 Dec\n"
