"""The pure rules of reading mail: addresses, dates, noise, direction, snippets."""

from __future__ import annotations

from datetime import datetime, timedelta

from crm.domain import mail
from crm.domain.followups import PendingFollowUp
from crm.domain.types import Direction, FollowUpKind

ME = ("anna@home.example",)
AT = datetime(2026, 11, 2, 9, 0)


def headers(sender: str, *to: str, bulk: bool = False) -> mail.MailHeaders:
    return mail.MailHeaders(
        message_id="<x@y>",
        sender=mail.addresses(sender)[0],
        recipients=mail.addresses(*to),
        subject="",
        occurred_at=AT,
        bulk=bulk,
    )


def test_dates_become_naive_utc_and_broken_ones_none() -> None:
    assert mail.message_date("Mon, 02 Nov 2026 12:00:00 +0300") == AT
    assert mail.message_date("Mon, 02 Nov 2026 09:00:00") == AT
    for broken in ("", None, "yesterday", "Mon, 99 Foo 2026 25:61:00 +0000"):
        assert mail.message_date(broken) is None


def test_encoded_words_are_decoded_and_addresses_lowered() -> None:
    assert mail.decoded("=?utf-8?b?0KHQvtCx0LXRgdC10LTQvtCy0LDQvdC40LU=?=") == "Собеседование"
    assert mail.addresses("Ann <Ann@X.Example>, bad, b@y.example") == (
        ("Ann", "ann@x.example"),
        ("", "b@y.example"),
    )


def test_direction_comes_from_your_addresses() -> None:
    known = {"ann@x.example": 1, "bob@y.example": 2}
    sent = mail.involvements(
        headers("anna@home.example", "ann@x.example, bob@y.example"), ME, known
    )
    assert [(i.contact_id, i.direction) for i in sent] == [
        (1, Direction.OUTBOUND),
        (2, Direction.OUTBOUND),
    ]
    got = mail.involvements(headers("Ann <ANN@x.example>", "anna@home.example"), ME, known)
    assert [(i.contact_id, i.direction) for i in got] == [(1, Direction.INBOUND)]
    assert mail.involvements(headers("c@z.example", "ann@x.example"), ME, known) == []


def test_noise() -> None:
    assert mail.noise(headers("a@x.example", bulk=True), ()) == mail.SkipReason.MAILING_LIST
    for robot in ("noreply@x.example", "no-reply@x.example", "DoNotReply@x.example",
                  "mailer-daemon@x.example", "bounces+123@x.example"):  # fmt: skip
        assert mail.noise(headers(robot), ()) == mail.SkipReason.NO_REPLY, robot
    assert mail.noise(headers("a@mail.bank.example"), ("bank.example",)) == "ignored domain"
    assert mail.noise(headers("a@notbank.example"), ("bank.example",)) is None


def test_snippets_and_html() -> None:
    text = "Hi Anna,\n\n  thanks!\n> quoted\nOn Mon, 2 Nov 2026, Ann wrote:\nold"
    assert mail.snippet(text) == "Hi Anna, thanks!"
    assert mail.snippet("Привет!\nАнна пишет:\nстарое") == "Привет!"
    long = mail.snippet("word " * 100)
    assert long.endswith("…") and len(long) <= 201
    html = "<style>x{}</style><p>Dear&nbsp;Anna</p><blockquote>old</blockquote><div>Bye</div>"
    assert mail.html_text(html) == "Dear Anna\nBye"


def test_a_thank_you_window_runs_from_the_interview_end_to_its_end() -> None:
    due = PendingFollowUp(
        id=1,
        kind=FollowUpKind.THANK_YOU_EMAIL,
        opportunity_id=3,
        window_start=AT + timedelta(hours=2),
        window_end=AT + timedelta(hours=48),
        since=AT,
    )
    assert mail.thank_you_window([due], AT + timedelta(hours=1)) is due
    assert mail.thank_you_window([due], AT + timedelta(hours=49)) is None
    assert mail.thank_you_window([due], AT - timedelta(hours=1)) is None


def test_company_domains_and_the_quick_look() -> None:
    assert mail.website_domain("https://www.Initech.example/jobs?x=1") == "initech.example"
    assert mail.website_domain("initech") == ""
    block = b"From: Ann <ANN@X.example>\nTo: me@home.example\nMessage-ID: <1@mta.example>\n"
    assert mail.mentions_anyone(block, {"ann@x.example": 1}, {})
    assert mail.mentions_anyone(block, {}, {"home.example": 1})
    assert not mail.mentions_anyone(block, {"bob@x.example": 2}, {"y.example": 1})
    assert mail.derived_message_id("a@x", "d", "s") == mail.derived_message_id("a@x", " d ", "s")


def test_the_address_scan_finds_what_trying_every_position_finds() -> None:
    """The look-behind in mentions_anyone's pattern only skips starts that can't match."""
    import random
    import re

    from crm.domain.mail import _ADDRESS_LIKE

    every_position = re.compile(rb"[^\s<>,;:\"'()\[\]]+@[^\s<>,;:\"'()\[\]]+")
    rng = random.Random(19)
    letters = b"ab@ <>,;:\"'()[]\n\t.x\xd0"
    for _ in range(20_000):
        text = bytes(rng.choice(letters) for _ in range(rng.randint(0, 40)))
        assert _ADDRESS_LIKE.findall(text) == every_position.findall(text), text
