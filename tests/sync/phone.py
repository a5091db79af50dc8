"""The user's phone, played against a test DAV server: a second client beside crm.

CalDAV goes through the ``caldav`` library (as DAVx⁵ would through its own); CardDAV through
plain WebDAV requests on the same ``DAVClient`` (caldav has no CardDAV API). Collections are
found by display name, the way crm's config names them.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

import caldav
import icalendar

from tests.dav_servers import DavServer

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
NS = {"d": DAV, "c": CALDAV, "cr": CARDDAV, "cs": CS}


def q(ns: str, tag: str) -> str:
    return f"{{{NS[ns]}}}{tag}"


@dataclass
class Item:
    """A task or an event as the phone sees it."""

    uid: str
    summary: str | None
    status: str | None
    due: date | datetime | None
    completed: datetime | None
    dtstart: date | datetime | None
    ical: str
    url: str = ""


@dataclass
class Card:
    uid: str
    href: str
    etag: str
    vcard: str


@dataclass
class Collection:
    href: str
    name: str | None
    kind: str  # "calendar", "addressbook" or "other"
    components: tuple[str, ...] = ()  # for a calendar: VTODO, VEVENT, ... (empty: not said)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def xml(self) -> ET.Element:
        return ET.fromstring(self.text.encode())


def _dt(component: Any, name: str) -> Any:
    value = component.get(name)
    return value.dt if value is not None else None


def _field(vcard: str, name: str) -> str | None:
    for line in vcard.replace("\r\n ", "").replace("\n ", "").splitlines():
        head, sep, value = line.partition(":")
        if sep and head.split(";")[0].upper() == name:
            return value.strip()
    return None


class Phone:
    def __init__(self, server: DavServer, password: str | None = None) -> None:
        self.server = server
        self.auth = (server.username, server.password if password is None else password)
        self.client = caldav.DAVClient(
            url=server.url,
            username=self.auth[0],
            password=self.auth[1],
            ssl_verify_cert=str(server.ca_file) if server.ca_file else True,
        )
        self._principal: caldav.Principal | None = None

    # ----- raw WebDAV -------------------------------------------------------------------
    def abs(self, href: str) -> str:
        return urljoin(self.server.url, href)

    def request(
        self, method: str, href: str, body: str = "", headers: dict[str, str] | None = None
    ) -> Response:
        """Any request, any answer (4xx included), for the tests' own probes."""
        hdrs = dict(headers or {})
        if body and "Content-Type" not in hdrs:
            hdrs["Content-Type"] = 'application/xml; charset="utf-8"'
        session = self.client.session
        r = session.request(
            method,
            self.abs(href),
            data=body.encode() if body else None,
            headers=hdrs,
            auth=self.auth,
            verify=self.client.ssl_verify_cert,
            timeout=30,
        )
        return Response(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.text or "")

    def propfind(self, href: str, props: str, depth: int = 0) -> list[tuple[str, ET.Element]]:
        """(href, <prop> with only the found properties) for each response."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
            'xmlns:cr="urn:ietf:params:xml:ns:carddav" xmlns:cs="http://calendarserver.org/ns/">'
            f"<d:prop>{props}</d:prop></d:propfind>"
        )
        r = self.request("PROPFIND", href, body, {"Depth": str(depth)})
        if r.status != 207:
            raise RuntimeError(f"PROPFIND {href}: {r.status} {r.text[:300]}")
        out = []
        for resp in r.xml().findall(q("d", "response")):
            h = resp.findtext(q("d", "href")) or ""
            merged = ET.Element(q("d", "prop"))
            for ps in resp.findall(q("d", "propstat")):
                if "200" in (ps.findtext(q("d", "status")) or ""):
                    found = ps.find(q("d", "prop"))
                    for p in found if found is not None else []:
                        merged.append(p)
            out.append((h, merged))
        return out

    # ----- discovery --------------------------------------------------------------------
    def principal_href(self) -> str:
        ((_, prop),) = self.propfind(self.server.url, "<d:current-user-principal/>")[:1]
        return prop.findtext(f"{q('d', 'current-user-principal')}/{q('d', 'href')}") or ""

    def home(self, which: str) -> str:
        """The calendar-home-set ("calendar") or addressbook-home-set ("addressbook")."""
        ns, name = (
            ("c", "calendar-home-set") if which == "calendar" else ("cr", "addressbook-home-set")
        )
        ((_, prop),) = self.propfind(self.principal_href(), f"<{ns}:{name}/>")[:1]
        href = prop.findtext(f"{q(ns, name)}/{q('d', 'href')}")
        if not href:
            raise RuntimeError(f"no {which} home set")
        return href

    def collections(self) -> list[Collection]:
        """Every calendar and address book under the user's home sets."""
        homes = {self.home("calendar"), self.home("addressbook")}
        seen: dict[str, Collection] = {}
        for home in sorted(homes):
            listing = self.propfind(
                home,
                "<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>",
                depth=1,
            )
            for href, prop in listing:
                rtype = prop.find(q("d", "resourcetype"))
                if rtype is None or href.rstrip("/") == home.rstrip("/"):
                    continue
                if rtype.find(q("c", "calendar")) is not None:
                    kind = "calendar"
                elif rtype.find(q("cr", "addressbook")) is not None:
                    kind = "addressbook"
                else:
                    kind = "other"
                comps = tuple(
                    c.get("name", "")
                    for c in prop.findall(f"{q('c', 'supported-calendar-component-set')}/*")
                )
                seen[href] = Collection(href, prop.findtext(q("d", "displayname")), kind, comps)
        return list(seen.values())

    def collection(self, name: str, kind: str) -> Collection:
        found = [c for c in self.collections() if c.name == name and c.kind == kind]
        if len(found) != 1:
            raise LookupError(f"{len(found)} {kind}s named {name!r}")
        return found[0]

    # ----- making collections (probes; crm makes its own) --------------------------------
    def mkcalendar(self, name: str, components: tuple[str, ...] = ("VTODO",)) -> Response:
        """MKCALENDAR under the calendar home, with a display name and a component set."""
        href = self.home("calendar").rstrip("/") + f"/{uuid.uuid4()}/"
        comps = "".join(f'<c:comp name="{c}"/>' for c in components)
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            f"<d:set><d:prop><d:displayname>{name}</d:displayname>"
            f"<c:supported-calendar-component-set>{comps}</c:supported-calendar-component-set>"
            "</d:prop></d:set></c:mkcalendar>"
        )
        r = self.request("MKCALENDAR", href, body)
        r.headers["x-href"] = href
        return r

    def mkaddressbook(self, name: str) -> Response:
        """Extended MKCOL (RFC 5689) of an address book with a display name."""
        href = self.home("addressbook").rstrip("/") + f"/{uuid.uuid4()}/"
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<d:mkcol xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">'
            "<d:set><d:prop><d:resourcetype><d:collection/><cr:addressbook/></d:resourcetype>"
            f"<d:displayname>{name}</d:displayname></d:prop></d:set></d:mkcol>"
        )
        r = self.request("MKCOL", href, body)
        r.headers["x-href"] = href
        return r

    # ----- CalDAV (caldav library) ------------------------------------------------------
    @property
    def principal(self) -> caldav.Principal:
        if self._principal is None:
            self._principal = self.client.principal()
        return self._principal

    def calendar(self, name: str) -> caldav.Calendar:
        return caldav.Calendar(
            client=self.client, url=self.abs(self.collection(name, "calendar").href)
        )

    @staticmethod
    def _item(obj: Any, kind: str) -> Item:
        raw = obj.data
        cal = icalendar.Calendar.from_ical(raw)
        comp = next(c for c in cal.walk(kind))
        return Item(
            uid=str(comp.get("UID")),
            summary=str(comp["SUMMARY"]) if "SUMMARY" in comp else None,
            status=str(comp["STATUS"]) if "STATUS" in comp else None,
            due=_dt(comp, "DUE"),
            completed=_dt(comp, "COMPLETED"),
            dtstart=_dt(comp, "DTSTART"),
            ical=raw,
            url=str(obj.url),
        )

    def tasks(self, calendar_name: str) -> list[Item]:
        todos = self.calendar(calendar_name).todos(include_completed=True)
        return [self._item(t, "VTODO") for t in todos]

    def events(self, calendar_name: str) -> list[Item]:
        return [self._item(e, "VEVENT") for e in self.calendar(calendar_name).events()]

    def _find(self, uid: str, kind: str) -> Any:
        for c in self.collections():
            if c.kind != "calendar":
                continue
            cal = caldav.Calendar(client=self.client, url=self.abs(c.href))
            objs = cal.todos(include_completed=True) if kind == "VTODO" else cal.events()
            for obj in objs:
                if self._item(obj, kind).uid == uid:
                    return obj
        raise LookupError(f"no {kind} with UID {uid}")

    def _edit(self, uid: str, kind: str, change: Callable[[Any], None]) -> None:
        obj = self._find(uid, kind)
        cal = icalendar.Calendar.from_ical(obj.data)
        comp = next(c for c in cal.walk(kind))
        change(comp)
        stamp = datetime.now(timezone.utc).replace(microsecond=0)
        for name in ("DTSTAMP", "LAST-MODIFIED"):
            comp.pop(name, None)
            comp.add(name, stamp)
        seq = int(comp.get("SEQUENCE", 0)) + 1
        comp.pop("SEQUENCE", None)
        comp.add("SEQUENCE", seq)
        obj.data = cal.to_ical().decode()
        obj.save()

    def complete(self, uid: str, at: datetime | None = None) -> None:
        when = at or datetime.now(timezone.utc).replace(microsecond=0)

        def change(comp: Any) -> None:
            for name in ("STATUS", "COMPLETED", "PERCENT-COMPLETE"):
                comp.pop(name, None)
            comp.add("STATUS", "COMPLETED")
            comp.add("COMPLETED", when)
            comp.add("PERCENT-COMPLETE", 100)

        self._edit(uid, "VTODO", change)

    def move_due(self, uid: str, new_due: date | datetime) -> None:
        def change(comp: Any) -> None:
            comp.pop("DUE", None)
            comp.add("DUE", new_due)

        self._edit(uid, "VTODO", change)

    def edit_task(self, uid: str, change: Callable[[Any], None]) -> None:
        """Free edit of the VTODO component (an icalendar Component)."""
        self._edit(uid, "VTODO", change)

    def delete(self, uid: str) -> None:
        """Delete a task (or, failing that, an event) by UID."""
        try:
            obj = self._find(uid, "VTODO")
        except LookupError:
            obj = self._find(uid, "VEVENT")
        obj.delete()

    def add_task(self, calendar_name: str, summary: str, **props: Any) -> str:
        uid = f"phone-{uuid.uuid4()}"
        self.calendar(calendar_name).save_todo(uid=uid, summary=summary, **props)
        return uid

    def add_event(self, calendar_name: str, summary: str, start: datetime, end: datetime) -> str:
        uid = f"phone-{uuid.uuid4()}"
        self.calendar(calendar_name).save_event(uid=uid, summary=summary, dtstart=start, dtend=end)
        return uid

    # ----- CardDAV (plain WebDAV) -------------------------------------------------------
    def cards(self, book_name: str) -> list[Card]:
        href = self.collection(book_name, "addressbook").href
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<cr:addressbook-query xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">'
            "<d:prop><d:getetag/><cr:address-data/></d:prop></cr:addressbook-query>"
        )
        r = self.request("REPORT", href, body, {"Depth": "1"})
        if r.status != 207:
            raise RuntimeError(f"addressbook-query {href}: {r.status} {r.text[:300]}")
        out = []
        for resp in r.xml().findall(q("d", "response")):
            h = resp.findtext(q("d", "href")) or ""
            text = resp.findtext(f".//{q('cr', 'address-data')}")
            if text is None:
                continue
            etag = resp.findtext(f".//{q('d', 'getetag')}") or ""
            out.append(Card(_field(text, "UID") or "", h, etag, text))
        return out

    def _card(self, uid: str) -> Card:
        for c in self.collections():
            if c.kind == "addressbook":
                for card in self.cards(c.name or ""):
                    if card.uid == uid:
                        return card
        raise LookupError(f"no card with UID {uid}")

    def edit_card(self, uid: str, fn: Callable[[str], str]) -> Response:
        """PUT fn(old vCard text) with If-Match on the card's ETag; returns the answer."""
        card = self._card(uid)
        r = self.request(
            "PUT",
            card.href,
            fn(card.vcard),
            {"Content-Type": "text/vcard; charset=utf-8", "If-Match": card.etag},
        )
        if r.status not in (200, 201, 204):
            raise RuntimeError(f"PUT {card.href}: {r.status} {r.text[:300]}")
        return r

    def add_card(self, book_name: str, vcard_text: str) -> str:
        """PUT a new card (If-None-Match: *); returns its href."""
        uid = _field(vcard_text, "UID") or str(uuid.uuid4())
        href = self.collection(book_name, "addressbook").href.rstrip("/") + f"/{uid}.vcf"
        r = self.request(
            "PUT",
            href,
            vcard_text,
            {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"},
        )
        if r.status not in (200, 201, 204):
            raise RuntimeError(f"PUT {href}: {r.status} {r.text[:300]}")
        return href

    def delete_card(self, uid: str) -> None:
        card = self._card(uid)
        r = self.request("DELETE", card.href, headers={"If-Match": card.etag})
        if r.status not in (200, 204):
            raise RuntimeError(f"DELETE {card.href}: {r.status} {r.text[:300]}")


def vcard(uid: str, fn: str, email: str | None = None, org: str | None = None) -> str:
    """A small vCard 3.0, as a phone would write one."""
    given, _, family = fn.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{fn}", f"N:{family};{given};;;"]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    if org:
        lines.append(f"ORG:{org}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
