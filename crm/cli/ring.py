"""`crm ring-check`: does a message own its next step, or hand it to the other side?"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

import click

from crm.cli.context import UserError, now_of
from crm.cli.output import echo, echo_json
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.domain.ring_check import Commitment

EMPTY_EXIT = 2
"""Nothing to check is a usage problem, told apart from "gives up the ring" (exit 1)."""


@click.command("ring-check")
@click.argument("text", required=False)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["en", "ru", "tl"]),
    default=None,
    help="The language of the suggestion (default: the text's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def ring_check_command(
    ctx: click.Context, text: str | None, language: str | None, as_json: bool
) -> None:
    """Check TEXT (or stdin, when absent or "-") for phrases that give up the ring.

    Exits 1 when the text hands the next step to the other side, 0 when it keeps it or names
    no next step at all.
    """
    from crm.domain.ring_check import RingVerdict, check_ring

    if text is None or text == "-":
        text = sys.stdin.read()
    if not text.strip():
        empty = UserError("Nothing to check: give the text as an argument or on stdin.")
        empty.exit_code = EMPTY_EXIT
        raise empty
    tz = user_zone()
    result = check_ring(text, now=now_of(ctx), tz=tz, language=language)
    if as_json:
        echo_json(
            {
                "verdict": result.verdict.value,
                "language": result.language,
                "phrases": [
                    {"phrase": p.phrase, "line": _line_of(text, p.start), "why": p.why}
                    for p in result.phrases
                ],
                "commitment": None
                if result.commitment is None
                else {
                    "phrase": result.commitment.phrase,
                    "due": _local_iso(result.commitment.due, tz),
                },
                "suggestion": result.suggestion,
            }
        )
    elif result.verdict is RingVerdict.GIVEN_UP:
        echo("Gives up the ring:")
        for phrase in result.phrases:
            quoted = " ".join(phrase.phrase.split())
            echo(f"  line {_line_of(text, phrase.start)}: “{quoted}” — {phrase.why}")
        echo(f"Instead: {result.suggestion}")
    elif result.commitment is not None:
        said = " ".join(result.commitment.phrase.split())
        echo(f"Keeps the ring: “{said}” — {_due(result.commitment, tz)}")
        if result.suggestion:
            echo(f"Name the day: {result.suggestion}")
    else:
        echo("No next step is named.")
        echo(f"End with: {result.suggestion}")
    if result.verdict is RingVerdict.GIVEN_UP:
        ctx.exit(1)


def _line_of(text: str, offset: int) -> int:
    """The 1-based line of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(tz)


def _local_iso(moment: datetime | None, tz: tzinfo) -> str | None:
    """A due moment in the user's zone, ISO 8601 with its offset, or None."""
    return None if moment is None else _local(moment, tz).isoformat()


def _due(commitment: Commitment, tz: tzinfo) -> str:
    """ "Thursday 10 Dec", with the time when one was named; "no day named" without a day."""
    from crm.domain.day_words import MONTHS, WEEKDAYS
    from crm.domain.when import FUTURE_DEFAULT_TIME

    if commitment.due is None:
        return "no day named"
    local = _local(commitment.due, tz)
    day = f"{WEEKDAYS['en'][local.weekday()]} {local.day} {MONTHS['en'][local.month - 1][:3]}"
    if local.time() != FUTURE_DEFAULT_TIME:
        day += f" {local:%H:%M}"
    return day
