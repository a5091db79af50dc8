"""The test servers and the phone work, and what each server does where they may disagree.

These pin the server behaviour crm's sync relies on (creating collections, sync tokens, ETag
preconditions, rewriting of what was PUT), so a server upgrade that changes it shows here first.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.dav_servers import DavServer, RadicaleServer
from tests.sync.phone import Phone, Response, q, vcard

SYNC = (
    '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
    "<d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level>"
    "<d:prop><d:getetag/></d:prop></d:sync-collection>"
)
TODO = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crm tests//EN\r\nBEGIN:VTODO\r\nUID:{uid}\r\n"
    "DTSTAMP:20261118T150000Z\r\nSUMMARY:{summary}\r\nDTSTART:20261119T090000Z\r\n"
    "DUE:20261121T170000Z\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Thank Ann\r\n"
    "TRIGGER;VALUE=DATE-TIME:20261119T090000Z\r\nEND:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
)
EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crm tests//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTAMP:20261118T150000Z\r\nSUMMARY:Interview\r\nDTSTART:20261119T090000Z\r\n"
    "DTEND:20261119T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
ICS = {"Content-Type": "text/calendar; charset=utf-8"}
VCF = {"Content-Type": "text/vcard; charset=utf-8"}


def crm_collections(phone: Phone) -> tuple[str, str, str]:
    """Make crm's three collections the way crm will; return their hrefs."""
    tasks = phone.mkcalendar("crm follow-ups", ("VTODO",))
    events = phone.mkcalendar("crm interviews", ("VEVENT",))
    book = phone.mkaddressbook("crm")
    assert (tasks.status, events.status, book.status) == (201, 201, 201)
    return tasks.headers["x-href"], events.headers["x-href"], book.headers["x-href"]


def sync_report(phone: Phone, href: str, token: str = "") -> tuple[Response, str, int]:
    r = phone.request("REPORT", href, SYNC.format(token), {"Depth": "1"})
    if r.status != 207:
        return r, "", 0
    root = r.xml()
    return r, root.findtext(q("d", "sync-token")) or "", len(root.findall(q("d", "response")))


# ----- the servers themselves --------------------------------------------------------------


def test_discovery_from_the_root_url(dav_server: DavServer, phone: Phone) -> None:
    assert dav_server.url == f"http://127.0.0.1:{dav_server.port}/"
    principal = phone.principal_href()
    assert principal == {"radicale": "/phone-user/", "xandikos": "/user/"}[dav_server.name]
    homes = (phone.home("calendar"), phone.home("addressbook"))
    assert (
        homes
        == {
            "radicale": ("/phone-user/", "/phone-user/"),
            "xandikos": ("/user/calendars/", "/user/contacts/"),
        }[dav_server.name]
    )
    assert phone.collections() == []  # a fresh server: crm has to create its collections


def test_restart_keeps_port_and_data_kill_too(dav_server: DavServer, phone: Phone) -> None:
    crm_collections(phone)
    port = dav_server.port
    dav_server.kill()
    assert not dav_server.running
    with pytest.raises(Exception):  # noqa: B017 - the client's connection error, whatever it is
        phone.collections()
    dav_server.restart()
    assert dav_server.port == port
    assert {c.name for c in Phone(dav_server).collections()} == {
        "crm follow-ups",
        "crm interviews",
        "crm",
    }
    dav_server.stop()
    assert not dav_server.running
    assert dav_server.log_path.exists()


class BrokenRadicale(RadicaleServer):
    def command(self) -> list[str]:
        return [*super().command(), "--no-such-option"]


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="(?s)radicale exited at start.*no-such-option"):
        BrokenRadicale(tmp_path / "r").start()


def test_wrong_password(dav_server: DavServer) -> None:
    status = Phone(dav_server, password="wrong").request("PROPFIND", "/", "", {"Depth": "0"})
    # Xandikos has no authentication here: anything goes.
    assert status.status == {"radicale": 401, "xandikos": 207}[dav_server.name]


def test_tls_verified_with_ca_file_only(radicale_tls: RadicaleServer) -> None:
    assert radicale_tls.url.startswith("https://127.0.0.1:")
    assert radicale_tls.ca_file is not None and radicale_tls.ca_file.exists()
    assert Phone(radicale_tls).principal_href() == "/phone-user/"
    radicale_tls.ca_file, ca = None, radicale_tls.ca_file
    try:
        with pytest.raises(Exception, match="(?i)certificate|ssl|tls"):
            Phone(radicale_tls).principal_href()
    finally:
        radicale_tls.ca_file = ca


# ----- what the lead asked: measured behaviour ---------------------------------------------


def test_mkcalendar_with_component_set_and_extended_mkcol(
    dav_server: DavServer, phone: Phone
) -> None:
    crm_collections(phone)
    found = {(c.name, c.kind, c.components) for c in phone.collections()}
    assert found == {
        ("crm follow-ups", "calendar", ("VTODO",)),
        ("crm interviews", "calendar", ("VEVENT",)),
        ("crm", "addressbook", ()),
    }


def test_component_set_enforced_only_by_xandikos(dav_server: DavServer, phone: Phone) -> None:
    tasks, _, _ = crm_collections(phone)
    r = phone.request("PUT", tasks + "ev.ics", EVENT.format(uid="ev"), ICS)
    # Radicale stores a VEVENT in a VTODO-only calendar; Xandikos refuses it.
    assert r.status == {"radicale": 201, "xandikos": 403}[dav_server.name]
    if dav_server.name == "xandikos":
        assert "supported-calendar-component" in r.text


@pytest.mark.parametrize("which", ["tasks", "book"])
def test_sync_collection_and_ctag(dav_server: DavServer, phone: Phone, which: str) -> None:
    tasks, _, book = crm_collections(phone)
    href, body, headers, name = {
        "tasks": (tasks, TODO.format(uid="t1", summary="Thank Ann"), ICS, "t1.ics"),
        "book": (book, vcard("c1", "Ann Lee", "ann@example.org"), VCF, "c1.vcf"),
    }[which]
    assert phone.request("PUT", href + name, body, headers).status == 201
    r, token, count = sync_report(phone, href)
    assert r.status == 207 and token and count == 1
    r, again, count = sync_report(phone, href, token)
    assert (r.status, again, count) == (207, token, 0)  # no change: same token, nothing listed
    props = {
        p.tag: p.text
        for _, prop in phone.propfind(href, "<cs:getctag/><d:sync-token/>")
        for p in prop
    }
    assert props[q("d", "sync-token")] == token
    ctag = props[q("cs", "getctag")]
    assert ctag
    # A change: one item listed, new token, new ctag.
    assert phone.request("DELETE", href + name).status in (200, 204)
    r, newer, count = sync_report(phone, href, token)
    assert (r.status, count) == (207, 1) and newer != token
    assert phone.propfind(href, "<cs:getctag/>")[0][1][0].text != ctag
    # A token the server does not know: Radicale 403, Xandikos 412, both valid-sync-token.
    r, _, _ = sync_report(phone, href, "http://example.org/sync/bogus")
    assert r.status == {"radicale": 403, "xandikos": 412}[dav_server.name]
    assert "valid-sync-token" in r.text


@pytest.mark.parametrize("which", ["tasks", "book"])
def test_preconditions_and_etags(dav_server: DavServer, phone: Phone, which: str) -> None:
    tasks, _, book = crm_collections(phone)
    href, first, second, headers = {
        "tasks": (
            tasks + "t1.ics",
            TODO.format(uid="t1", summary="Thank Ann"),
            TODO.format(uid="t1", summary="Thank Bob"),
            ICS,
        ),
        "book": (book + "c1.vcf", vcard("c1", "Ann Lee"), vcard("c1", "Ann Smith"), VCF),
    }[which]
    created = phone.request("PUT", href, first, {**headers, "If-None-Match": "*"})
    assert created.status == 201
    etag = created.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')  # strong, quoted, on the PUT's answer
    got = phone.request("GET", href)
    assert got.headers["etag"] == etag  # the PUT's ETag is the stored one, even if rewritten
    again = phone.request("PUT", href, first, {**headers, "If-None-Match": "*"})
    assert again.status == 412
    stale = phone.request("PUT", href, second, {**headers, "If-Match": '"stale"'})
    assert stale.status == 412
    ok = phone.request("PUT", href, second, {**headers, "If-Match": etag})
    assert ok.status == 204 and ok.headers["etag"] != etag
    stale_delete = phone.request("DELETE", href, headers={"If-Match": etag})
    assert stale_delete.status == 412


def test_same_uid_at_another_href_is_refused(dav_server: DavServer, phone: Phone) -> None:
    tasks, _, _ = crm_collections(phone)
    body = TODO.format(uid="t1", summary="Thank Ann")
    assert phone.request("PUT", tasks + "a.ics", body, ICS).status == 201
    r = phone.request("PUT", tasks + "b.ics", body, ICS)
    assert r.status == {"radicale": 409, "xandikos": 412}[dav_server.name]


def test_what_the_server_does_to_what_was_put(dav_server: DavServer, phone: Phone) -> None:
    tasks, _, book = crm_collections(phone)
    ics = TODO.format(uid="t1", summary="Thank Ann")
    card = vcard("c1", "Ann Lee", "ann@example.org", "Acme")
    assert phone.request("PUT", tasks + "t1.ics", ics, ICS).status == 201
    assert phone.request("PUT", book + "c1.vcf", card, VCF).status == 201
    ics_back = phone.request("GET", tasks + "t1.ics").text
    card_back = phone.request("GET", book + "c1.vcf").text
    # Both re-serialise iCalendar (properties reordered, same content, CRLF kept).
    assert ics_back != ics and sorted(ics_back.splitlines()) == sorted(ics.splitlines())
    # Radicale re-serialises vCards too; Xandikos stores them byte for byte.
    assert (card_back == card) is {"radicale": False, "xandikos": True}[dav_server.name]
    assert sorted(card_back.splitlines()) == sorted(card.splitlines())


def test_absolute_alarm_trigger_accepted(dav_server: DavServer, phone: Phone) -> None:
    tasks, _, _ = crm_collections(phone)
    ics = TODO.format(uid="t1", summary="Thank Ann")
    assert phone.request("PUT", tasks + "t1.ics", ics, ICS).status == 201
    assert "TRIGGER;VALUE=DATE-TIME:20261119T090000Z" in phone.request("GET", tasks + "t1.ics").text


# ----- the phone ---------------------------------------------------------------------------


def test_phone_tasks_and_events(dav_server: DavServer, phone: Phone) -> None:
    tasks, events, _ = crm_collections(phone)
    phone.request("PUT", tasks + "t1.ics", TODO.format(uid="t1", summary="Thank Ann"), ICS)
    phone.request("PUT", tasks + "t2.ics", TODO.format(uid="t2", summary="Call Bob"), ICS)
    phone.request("PUT", events + "e1.ics", EVENT.format(uid="e1"), ICS)
    assert {t.uid: t.summary for t in phone.tasks("crm follow-ups")} == {
        "t1": "Thank Ann",
        "t2": "Call Bob",
    }
    (event,) = phone.events("crm interviews")
    assert (event.uid, event.dtstart) == ("e1", datetime(2026, 11, 19, 9, tzinfo=timezone.utc))

    done = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
    phone.complete("t1", at=done)
    phone.move_due("t2", datetime(2026, 11, 25, 17, tzinfo=timezone.utc))
    by_uid = {t.uid: t for t in phone.tasks("crm follow-ups")}
    assert (by_uid["t1"].status, by_uid["t1"].completed) == ("COMPLETED", done)
    assert by_uid["t2"].due == datetime(2026, 11, 25, 17, tzinfo=timezone.utc)
    assert "TRIGGER;VALUE=DATE-TIME" in by_uid["t2"].ical  # the alarm survives the edit

    new = phone.add_task("crm follow-ups", "Bought milk")
    phone.delete("t2")
    assert {t.uid for t in phone.tasks("crm follow-ups")} == {"t1", new}
    phone.delete("e1")
    assert phone.events("crm interviews") == []


def test_phone_cards(dav_server: DavServer, phone: Phone) -> None:
    crm_collections(phone)
    phone.add_card("crm", vcard("c1", "Ann Lee", "ann@example.org"))
    phone.add_card("crm", vcard("c2", "Bob Roe"))
    (ann,) = [c for c in phone.cards("crm") if c.uid == "c1"]
    assert ann.etag.startswith('"') and "FN:Ann Lee" in ann.vcard
    phone.edit_card("c1", lambda text: text.replace("FN:Ann Lee", "FN:Ann Smith"))
    (ann2,) = [c for c in phone.cards("crm") if c.uid == "c1"]
    assert "FN:Ann Smith" in ann2.vcard and ann2.etag != ann.etag and ann2.href == ann.href
    phone.delete_card("c2")
    assert [c.uid for c in phone.cards("crm")] == ["c1"]


@pytest.mark.skipif(not os.environ.get("CRM_DAV_TIMING"), reason="timing: CRM_DAV_TIMING=1")
def test_time_1000_vcard_puts_to_radicale(tmp_path: Path) -> None:
    server = RadicaleServer(tmp_path / "r").start()
    try:
        phone = Phone(server)
        book = phone.mkaddressbook("crm").headers["x-href"]
        start = time.monotonic()
        for i in range(1000):
            card = vcard(f"b{i}", f"Person {i}", f"p{i}@example.org")
            r = phone.request("PUT", f"{book}b{i}.vcf", card, {**VCF, "If-None-Match": "*"})
            assert r.status == 201
        print(f"\n1000 PUTs to Radicale: {time.monotonic() - start:.1f} s")
    finally:
        server.kill()


def test_caldav_make_calendar_and_plain_mkcol(dav_server: DavServer, phone: Phone) -> None:
    # The caldav library's own call makes a VTODO-only calendar with a display name on both.
    phone.principal.make_calendar(name="crm follow-ups", supported_calendar_component_set=["VTODO"])
    assert [(c.name, c.components) for c in phone.collections()] == [("crm follow-ups", ("VTODO",))]
    # The fallback for address books (plain MKCOL, then PROPPATCH the resourcetype) only works
    # on Xandikos: Radicale refuses a plain MKCOL there. Extended MKCOL works on both.
    href = phone.home("addressbook") + "plain/"
    assert (
        phone.request("MKCOL", href).status == {"radicale": 403, "xandikos": 201}[dav_server.name]
    )
    # Radicale's OPTIONS does not advertise sync-collection, though it answers the REPORT.
    dav = phone.request("OPTIONS", "/").headers["dav"]
    assert "extended-mkcol" in dav
    assert ("sync-collection" in dav) is (dav_server.name == "xandikos")
