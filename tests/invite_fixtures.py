"""Generated calendar invitations as Google Calendar and Outlook/Exchange send them: the
.ics text, and the e-mail that carries it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

Person = tuple[str, str, str]
"""(display name, address, PARTSTAT)."""

PACIFIC_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Pacific Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:-0700",
    "TZOFFSETTO:-0800",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:-0800",
    "TZOFFSETTO:-0700",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)


def _fold(line: str) -> list[str]:
    """RFC 5545 folding: lines of at most 75 octets, continued with a leading space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return [line]
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _calendar(lines: Iterable[str]) -> str:
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


def google_ics(
    uid: str,
    start: datetime,
    end: datetime,
    *,
    method: str = "REQUEST",
    sequence: int = 0,
    summary: str = "Interview",
    organizer: tuple[str, str] = ("Ann Lee", "ann.lee@initech.example"),
    attendees: Sequence[Person] = (),
    location: str = "https://meet.google.com/abc-defg-hij",
    description: str = "Join with Google Meet",
    status: str = "CONFIRMED",
) -> str:
    """A Google Calendar invitation: UTC times, ORGANIZER and ATTENDEEs with CN and PARTSTAT."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{end:%Y%m%dT%H%M%SZ}",
        "DTSTAMP:20261201T120000Z",
        f"ORGANIZER;CN={organizer[0]}:mailto:{organizer[1]}",
        f"UID:{uid}",
    ]
    for name, address, partstat in attendees:
        lines.append(
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE"
            f";CN={name};X-NUM-GUESTS=0:mailto:{address}"
        )
    lines += [
        "CREATED:20261201T115900Z",
        f"DESCRIPTION:{_text(description)}",
        "LAST-MODIFIED:20261201T120000Z",
        f"LOCATION:{_text(location)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{status}",
        f"SUMMARY:{_text(summary)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return _calendar(lines)


def outlook_ics(
    uid: str,
    start_local: datetime,
    end_local: datetime,
    *,
    method: str = "REQUEST",
    sequence: int = 0,
    summary: str = "Interview",
    organizer: tuple[str, str] = ("Ann Lee", "Ann.Lee@Initech.example"),
    attendees: Sequence[Person] = (),
    location: str = "Microsoft Teams Meeting",
    description: str = "Join on your computer or mobile app",
) -> str:
    """An Outlook/Exchange invitation: times in a Windows zone ("Pacific Standard Time")
    with its VTIMEZONE, quoted CNs, X-MICROSOFT properties."""
    zone = "Pacific Standard Time"
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        f"METHOD:{method}",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        *PACIFIC_VTIMEZONE,
        "BEGIN:VEVENT",
        f'ORGANIZER;CN="{organizer[0]}":mailto:{organizer[1]}',
    ]
    for name, address, partstat in attendees:
        lines.append(
            f'ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE;CN="{name}":mailto:{address}'
        )
    lines += [
        f"DESCRIPTION;LANGUAGE=en-US:{_text(description)}",
        f"UID:{uid}",
        f"SUMMARY;LANGUAGE=en-US:{_text(summary)}",
        f"DTSTART;TZID={zone}:{start_local:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={zone}:{end_local:%Y%m%dT%H%M%S}",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        "DTSTAMP:20261201T120000Z",
        "TRANSP:OPAQUE",
        f"STATUS:{status}",
        f"SEQUENCE:{sequence}",
        f"LOCATION;LANGUAGE=en-US:{_text(location)}",
        "X-MICROSOFT-CDO-APPT-SEQUENCE:" + str(sequence),
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "BEGIN:VALARM",
        "DESCRIPTION:REMINDER",
        "TRIGGER;RELATED=START:-PT15M",
        "ACTION:DISPLAY",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return _calendar(lines)


def _headers(
    mail: EmailMessage, sender: str, to: str, subject: str, at: datetime, mid: str
) -> None:
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(at.replace(tzinfo=UTC))
    mail["Message-ID"] = mid


def google_mail(
    ics: str, *, sender: str, to: str, subject: str, at: datetime, message_id: str
) -> EmailMessage:
    """Google's invitation e-mail: multipart/mixed holding text, HTML and text/calendar
    alternatives, and the same calendar again as an invite.ics attachment."""
    method = "CANCEL" if "METHOD:CANCEL" in ics else "REQUEST"
    mail = EmailMessage()
    _headers(mail, sender, to, subject, at, message_id)
    mail["Sender"] = "Google Calendar <calendar-notification@google.com>"
    mail.set_content("You have been invited to the following event.")
    mail.add_alternative("<p>You have been invited to the following event.</p>", subtype="html")
    mail.add_alternative(
        ics.encode("utf-8"), maintype="text", subtype="calendar", params={"method": method}
    )
    mail.add_attachment(
        ics.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics"
    )
    return mail


def outlook_mail(
    ics: str, *, sender: str, to: str, subject: str, at: datetime, message_id: str
) -> EmailMessage:
    """Outlook's invitation e-mail: multipart/alternative of text, HTML and a base64
    text/calendar part whose Content-Type carries the method."""
    method = "CANCEL" if "METHOD:CANCEL" in ics else "REQUEST"
    mail = EmailMessage()
    _headers(mail, sender, to, subject, at, message_id)
    mail["Thread-Topic"] = subject
    mail.set_content("Microsoft Teams meeting. Join on your computer or mobile app.")
    mail.add_alternative("<html><body><p>Microsoft Teams meeting</p></body></html>", subtype="html")
    mail.add_alternative(
        ics.encode("utf-8"),
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
        cte="base64",
    )
    return mail


def proposed_detail(
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    location: str = "Zoom",
) -> str:
    """A proposed interview's ``detail`` JSON, as the invitation import writes it."""
    from crm.domain.invites import Invitation
    from crm.domain.invites import Person as Attendee

    return Invitation(
        method="REQUEST",
        uid=uid,
        sequence=0,
        summary=summary,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=False,
        location=location,
        organizer=Attendee(*organizer),
        attendees=tuple(Attendee(*person) for person in attendees),
        description="",
    ).to_detail()
