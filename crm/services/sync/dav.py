"""The server side of a sync: one CalDAV/CardDAV account reached through the caldav library.

Calendars are found and made with caldav's own objects; items in any collection (tasks,
events, cards) are listed, fetched and written with the same few WebDAV requests, so both
kinds of collection follow one set of rules: a sync token (RFC 6578) when the server has one,
ETags otherwise, and ``If-Match``/``If-None-Match`` on every write.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from crm.config import SyncSettings
from crm.services.passwords import PasswordError, read_password

if TYPE_CHECKING:
    from caldav.davclient import DAVClient
    from caldav.response import DAVResponse

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALSERVER = "http://calendarserver.org/ns/"
TIMEOUT_SECONDS = 30
MULTIGET_BATCH = 200
LOCKED_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 0)
"""Seconds to wait before asking again when the server says 423 Locked (then give up)."""


class SyncError(Exception):
    """The sync can't go on; the message is one line for the user."""


class Conflict(Exception):
    """A conditional write failed (412): the server's item isn't the one crm last saw."""


@dataclass(frozen=True)
class Listing:
    """What changed in a collection since a token (or, without one, everything in it)."""

    changed: dict[str, str]  # href → ETag
    deleted: list[str]
    token: str  # the token to ask from next time; "" when the server has none
    complete: bool  # True: ``changed`` is the whole collection (deleted = what's missing)


@dataclass
class Collection:
    """One collection on the server: tasks, events or cards."""

    url: str
    kind: str  # "calendar" or "addressbook"
    hrefs: dict[str, str] = field(default_factory=dict)


def sync_report(token: str) -> str:
    """The RFC 6578 sync-collection REPORT asking what changed since ``token`` (ETags only)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{escape(token)}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    )


def tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def password(settings: SyncSettings) -> str:
    """The password from ``password_command`` or ``password_env``; never stored or printed."""
    try:
        return read_password(settings.password_command, settings.password_env, "sync")
    except PasswordError as error:
        raise SyncError(str(error)) from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200] if text else type(error).__name__


class Server:
    """A logged-in connection to the account; every failure becomes a one-line SyncError."""

    def __init__(self, settings: SyncSettings, secret: str) -> None:
        from caldav.davclient import DAVClient

        self.settings = settings
        self.host = urlsplit(settings.url).netloc
        verify: bool | str = True
        if settings.ca_file:
            if not os.path.isfile(os.path.expanduser(settings.ca_file)):
                raise SyncError(f"[sync] ca_file {settings.ca_file} is not a file.")
            verify = os.path.expanduser(settings.ca_file)
        self.client: DAVClient = DAVClient(
            url=settings.url,
            username=settings.username or None,
            password=secret if settings.username else (secret or None),
            ssl_verify_cert=verify,
            timeout=TIMEOUT_SECONDS,
            enable_rfc6764=False,
            require_tls=False,
        )
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    # --- requests ----------------------------------------------------------------------------

    def request(
        self, url: str, method: str, body: str = "", headers: dict[str, str] | None = None
    ) -> DAVResponse:
        for wait in LOCKED_WAITS:
            response = self._once(url, method, body, headers)
            if response.status != 423:
                return response
            # Locked: another client is writing the collection right now (Xandikos locks its
            # store for each write); a moment later it is free.
            time.sleep(wait)
        return response  # still locked: the caller says so in one line

    def _once(
        self, url: str, method: str, body: str, headers: dict[str, str] | None
    ) -> DAVResponse:
        from caldav.lib import error as dav_error

        self.requests += 1
        try:
            return self.client.request(url, method, body, headers or {})
        except dav_error.AuthorizationError as error:
            if getattr(error, "status", None) == 403:
                # Forbidden is not a wrong password: an expired sync token (Radicale says
                # valid-sync-token this way), a collection that exists already, a right missing.
                raise _StatusError(403, "Forbidden", self.host) from None
            raise SyncError(
                f"{self.host} refused the user name or password ([sync] username, "
                "password_command)."
            ) from None
        except Exception as error:  # noqa: BLE001 - the HTTP stack raises many kinds
            raise SyncError(_describe(self.host, error)) from None

    def _multistatus(
        self, url: str, method: str, body: str, depth: str | None
    ) -> tuple[list[tuple[str, int, dict[str, Any]]], str]:
        headers = {"Content-Type": 'application/xml; charset="utf-8"'}
        if depth is not None:
            headers["Depth"] = depth
        response = self.request(url, method, body, headers)
        if response.status not in (200, 207):
            raise _StatusError(response.status, _reason(response), self.host)
        return _responses(response.tree, url)

    # --- discovery ---------------------------------------------------------------------------

    def principal_url(self, start: str = "") -> str:
        """The user's principal, asked of ``start`` (the [sync] url unless another is given)."""
        start = start or self.settings.url
        found, _ = self._multistatus(
            start, "PROPFIND", _propfind([(DAV, "current-user-principal")]), "0"
        )
        for _, _, props in found:
            element = props.get(tag(DAV, "current-user-principal"))
            href = None if element is None else element.find(tag(DAV, "href"))
            if href is not None and href.text:
                return urljoin(start, href.text.strip())
        return start

    def home(self, principal: str, namespace: str, name: str) -> str:
        found, _ = self._multistatus(principal, "PROPFIND", _propfind([(namespace, name)]), "0")
        for _, _, props in found:
            element = props.get(tag(namespace, name))
            href = None if element is None else element.find(tag(DAV, "href"))
            if href is not None and href.text:
                return urljoin(principal, href.text.strip())
        raise SyncError(f"{self.host} has no {name} for this user: is [sync] url a DAV server?")

    def children(self, home: str) -> list[tuple[str, str, set[str], set[str]]]:
        """(url, display name, resource types, calendar components) of a home's collections."""
        found, _ = self._multistatus(
            home,
            "PROPFIND",
            _propfind(
                [
                    (DAV, "resourcetype"),
                    (DAV, "displayname"),
                    (CALDAV, "supported-calendar-component-set"),
                ]
            ),
            "1",
        )
        result = []
        for href, status, props in found:
            if status >= 300 or href.rstrip("/") == home.rstrip("/"):
                continue
            types = {child.tag for child in props.get(tag(DAV, "resourcetype"), [])}
            name_element = props.get(tag(DAV, "displayname"))
            name = (name_element.text or "") if name_element is not None else ""
            components = {
                child.get("name", "").upper()
                for child in props.get(tag(CALDAV, "supported-calendar-component-set"), [])
            }
            result.append((href, name, types, components))
        return result

    def calendar(self, home: str, name: str, component: str, *, create: bool = True) -> str:
        """The URL of the calendar called ``name`` that holds ``component``; made if missing
        (with ``create``; else "")."""
        for url, display, types, components in self.children(home):
            if tag(CALDAV, "calendar") in types and (display or _last(url)) == name:
                if components and component not in components:
                    raise SyncError(
                        f"The calendar {name!r} on {self.host} can't hold "
                        f"{'tasks' if component == 'VTODO' else 'events'}: "
                        "name another in [sync]."
                    )
                return url
        if not create:
            return ""
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>'
            f'<C:mkcalendar xmlns:D="DAV:" xmlns:C="{CALDAV}"><D:set><D:prop>'
            f"<D:displayname>{escape(name)}</D:displayname>"
            f'<C:supported-calendar-component-set><C:comp name="{component}"/>'
            f"</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"
        )
        return self._make(
            home,
            name,
            "MKCALENDAR",
            body,
            "calendar",
            partial(self.calendar, home, name, component, create=False),
        )

    def addressbook(self, home: str, name: str, *, create: bool = True) -> str:
        """The URL of the address book called ``name``; made if missing (with ``create``;
        else "")."""
        for url, display, types, _ in self.children(home):
            if tag(CARDDAV, "addressbook") in types and (display or _last(url)) == name:
                return url
        if not create:
            return ""
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>'
            f'<D:mkcol xmlns:D="DAV:" xmlns:A="{CARDDAV}"><D:set><D:prop>'
            f"<D:resourcetype><D:collection/><A:addressbook/></D:resourcetype>"
            f"<D:displayname>{escape(name)}</D:displayname>"
            f"</D:prop></D:set></D:mkcol>"
        )
        return self._make(
            home,
            name,
            "MKCOL",
            body,
            "address book",
            partial(self.addressbook, home, name, create=False),
        )

    def _make(
        self, home: str, name: str, method: str, body: str, what: str, again: Callable[[], str]
    ) -> str:
        """Make a collection under ``home``; ``again`` looks for it when the server refuses,
        since another sync (cron's, the app's) may have just made it."""
        url = urljoin(home, _slug(name) + "/")
        try:
            status = self.request(url, method, body, {"Content-Type": "application/xml"}).status
        except _StatusError as error:
            status = error.status
        if status in (200, 201):
            return url
        found = again()
        if found:
            return found
        raise SyncError(
            f"{self.host} refused to make the {what} {name!r} (HTTP {status}); "
            "make it by hand or name another in [sync]."
        )

    # --- items -------------------------------------------------------------------------------

    def listing(self, url: str, token: str) -> Listing:
        """What changed since ``token``: by sync-collection when the server has it, else every
        item's ETag (the caller compares them with what it knows)."""
        try:
            found, new_token = self._multistatus(url, "REPORT", sync_report(token), None)
        except _StatusError as error:
            if token and error.status in (403, 409, 410, 412):  # the token expired: start over
                return self.listing(url, "")
            if error.status in (400, 403, 404, 405, 501):
                return self._etags(url)
            raise SyncError(f"{self.host}: listing {_last(url)!r} failed: {error}.") from None
        changed: dict[str, str] = {}
        deleted: list[str] = []
        for href, status, props in found:
            if href.rstrip("/") == url.rstrip("/"):
                continue
            if status == 404:
                deleted.append(href)
            elif status < 300:
                changed[href] = _etag(props)
        return Listing(changed, deleted, new_token, complete=not token)

    def _etags(self, url: str) -> Listing:
        try:
            found, _ = self._multistatus(url, "PROPFIND", _propfind([(DAV, "getetag")]), "1")
        except _StatusError as error:
            raise SyncError(f"{self.host}: listing {_last(url)!r} failed: {error}.") from None
        changed = {
            href: _etag(props)
            for href, status, props in found
            if status < 300 and href.rstrip("/") != url.rstrip("/")
        }
        return Listing(changed, [], "", complete=True)

    def fetch(self, url: str, kind: str, hrefs: Iterable[str]) -> dict[str, tuple[str, str]]:
        """href → (ETag, body) for items of a collection, by multiget in batches."""
        namespace, report, data = (
            (CALDAV, "calendar-multiget", "calendar-data")
            if kind == "calendar"
            else (CARDDAV, "addressbook-multiget", "address-data")
        )
        result: dict[str, tuple[str, str]] = {}
        for batch in _batches(list(hrefs), MULTIGET_BATCH):
            body = (
                f'<?xml version="1.0" encoding="utf-8"?>'
                f'<X:{report} xmlns:D="DAV:" xmlns:X="{namespace}">'
                f"<D:prop><D:getetag/><X:{data}/></D:prop>"
                + "".join(f"<D:href>{escape(_path(href))}</D:href>" for href in batch)
                + f"</X:{report}>"
            )
            try:
                found, _ = self._multistatus(url, "REPORT", body, "1")
            except _StatusError as error:
                raise SyncError(f"{self.host}: reading {_last(url)!r} failed: {error}.") from None
            for href, status, props in found:
                element = props.get(tag(namespace, data))
                if status < 300 and element is not None and element.text:
                    result[href] = (_etag(props), element.text)
        return result

    def put(self, href: str, body: str, content_type: str, etag: str | None) -> str:
        """Write an item: ``etag`` None creates it (If-None-Match: *), else replaces exactly
        that version (If-Match). Returns the new ETag ("" when the server didn't say).

        Raises:
            Conflict: 412, the server's item isn't the one crm last saw.
        """
        headers = {"Content-Type": f"{content_type}; charset=utf-8"}
        if etag is None:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        response = self.request(href, "PUT", body, headers)
        if response.status == 412:
            raise Conflict(href)
        if response.status not in (200, 201, 204):
            raise SyncError(
                f"{self.host} refused {_last(href)!r} (HTTP {response.status} {_reason(response)})."
            )
        return _quoted(response.headers.get("ETag", ""))

    def delete(self, href: str, etag: str) -> None:
        headers = {"If-Match": etag} if etag else {}
        response = self.request(href, "DELETE", "", headers)
        if response.status == 412:
            raise Conflict(href)
        if response.status not in (200, 204, 404, 410):
            raise SyncError(
                f"{self.host} refused to delete {_last(href)!r} (HTTP {response.status})."
            )


class _StatusError(SyncError):
    """An answer other than the one asked for; callers that can go on another way catch it,
    and for the rest it is the one line the user reads."""

    def __init__(self, status: int, reason: str, host: str = "") -> None:
        said = f"HTTP {status} {reason}".strip()
        super().__init__(f"{host} answered {said}." if host else said)
        self.status = status


def _describe(host: str, error: BaseException) -> str:
    """One line for a failure of the HTTP stack: TLS, refused connection, time-out."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(_one_line(item) for item in chain).lower()
    if "certificate" in text or "ssl" in text or "tls" in text:
        return (
            f"{host}: the server's certificate could not be verified "
            "(for a private CA, set [sync] ca_file)."
        )
    if "refused" in text:
        return f"{host} refused the connection: is the server running?"
    if "timed out" in text or "timeout" in text:
        return f"{host} did not answer in {TIMEOUT_SECONDS} s."
    if "name or service" in text or "resolve" in text or "nodename" in text:
        return f"{host}: no such host."
    return f"{host}: {_one_line(error)}"


def _reason(response: DAVResponse) -> str:
    return str(getattr(response, "reason", "") or "")


def _propfind(props: list[tuple[str, str]]) -> str:
    names = {CALDAV: "C", CARDDAV: "A", CALSERVER: "CS", DAV: "D"}
    declared = " ".join(f'xmlns:{prefix}="{ns}"' for ns, prefix in names.items())
    inner = "".join(f"<{names[ns]}:{name}/>" for ns, name in props)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><D:propfind {declared}>'
        f"<D:prop>{inner}</D:prop></D:propfind>"
    )


def _responses(tree: Any, base: str) -> tuple[list[tuple[str, int, dict[str, Any]]], str]:
    """(absolute href, status, props) of each response in a multistatus, and its sync-token."""
    found: list[tuple[str, int, dict[str, Any]]] = []
    token = ""
    if tree is None:
        return found, token
    for element in tree.iter(tag(DAV, "sync-token")):
        token = (element.text or "").strip()
    for response in tree.iter(tag(DAV, "response")):
        href_element = response.find(tag(DAV, "href"))
        if href_element is None or not href_element.text:
            continue
        href = urljoin(base, href_element.text.strip())
        status = _status(response.find(tag(DAV, "status")))
        props: dict[str, Any] = {}
        for propstat in response.findall(tag(DAV, "propstat")):
            prop_status = _status(propstat.find(tag(DAV, "status")))
            if prop_status >= 300:
                continue
            status = status if status != 0 else prop_status
            for prop in propstat.findall(tag(DAV, "prop")):
                for child in prop:
                    props[child.tag] = child
        found.append((href, status or 200, props))
    return found, token


def _status(element: Any) -> int:
    if element is None or not element.text:
        return 0
    parts = element.text.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _etag(props: dict[str, Any]) -> str:
    element = props.get(tag(DAV, "getetag"))
    return _quoted((element.text or "") if element is not None else "")


def _quoted(etag: str) -> str:
    etag = etag.strip()
    if etag and not etag.startswith(("W/", '"')):
        return f'"{etag}"'
    return etag


def _path(href: str) -> str:
    return urlsplit(href).path


def _last(url: str) -> str:
    return unquote(url.rstrip("/").rsplit("/", 1)[-1])


def _slug(name: str) -> str:
    from uuid import NAMESPACE_URL, uuid5

    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)
    return cleaned.strip("-").lower() or str(uuid5(NAMESPACE_URL, name))


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
