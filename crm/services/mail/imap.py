"""New mail from an IMAP server, read-only and incrementally.

Folders are opened with EXAMINE (never SELECT) and read with ``BODY.PEEK``, so nothing on the
server changes: no ``\\Seen`` flag, no ``\\Recent`` cleared, nothing moved or expunged. What was
read is remembered per folder as (UIDVALIDITY, last UID) in a ``FolderState`` the caller keeps;
the next fetch asks only for UIDs above it, and a folder whose UIDVALIDITY changed (it was
recreated, or the server renumbered it) is read again from its start. Headers come first, in
batches; a message's whole text is fetched only when the caller asks for it.

Every failure is an ``ImapError`` whose message is one line for the user.
"""

from __future__ import annotations

import base64
import imaplib
import ipaddress
import os
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from crm.config import ImapSettings
from crm.services.passwords import PasswordError, read_password

BATCH = 200
"""Headers asked for in one FETCH."""
WINDOW = 20_000
"""UIDs searched at once, so a first fetch of a large folder stays within imaplib's line limit."""
TIMEOUT_SECONDS = 30
NOT_SET_UP = "IMAP is not set up: add [imap] host and username to config.toml (crm locate config)."
APP_PASSWORD_HINT = "Gmail, iCloud, Outlook and Yahoo need an app password"


class ImapError(Exception):
    """The fetch can't go on; the message is one line for the user."""


@dataclass
class FolderState:
    """What has been read of one folder; the caller stores it between fetches."""

    uidvalidity: int = 0
    """The folder's UIDVALIDITY when it was read; 0: never read."""
    last_uid: int = 0
    """The highest UID the caller has taken; the next fetch starts above it."""


class Fetched(NamedTuple):
    """One new message: its headers, and ``body()`` to fetch the whole message when wanted."""

    folder: str
    uid: int
    header: bytes
    """The raw header block (RFC 5322), as the server has it."""
    body: Callable[[], bytes]
    """The raw message (headers and body); works until the fetch's iterator is finished."""


def imap_password(settings: ImapSettings) -> str:
    """The password from ``[imap] password_command`` or ``password_env``; never stored."""
    try:
        return read_password(settings.password_command, settings.password_env, "imap")
    except PasswordError as error:
        raise ImapError(str(error)) from None


def fetch_configured(
    settings: ImapSettings,
    state: dict[str, FolderState],
    *,
    notice: Callable[[str], None] | None = None,
) -> Iterator[Fetched]:
    """``fetch_new`` for the ``[imap]`` settings, the password read first."""
    if not settings.configured:
        raise ImapError(NOT_SET_UP)
    context = None
    if settings.ca_file:
        ca_file = os.path.expanduser(settings.ca_file)
        if not os.path.isfile(ca_file):
            raise ImapError(f"[imap] ca_file {settings.ca_file} is not a file.")
        try:
            context = ssl.create_default_context(cafile=ca_file)
        except ssl.SSLError:
            raise ImapError(f"[imap] ca_file {settings.ca_file} holds no certificate.") from None
    secret = imap_password(settings)
    return fetch_new(
        settings.host,
        settings.port,
        settings.username,
        secret,
        settings.folders,
        state,
        tls=settings.tls,
        ssl_context=context,
        notice=notice,
    )


def fetch_new(
    host: str,
    port: int,
    username: str,
    password: str,
    folders: Iterable[str],
    state: dict[str, FolderState],
    *,
    tls: bool = True,
    ssl_context: ssl.SSLContext | None = None,
    notice: Callable[[str], None] | None = None,
    batch: int = BATCH,
    window: int = WINDOW,
    timeout: float = TIMEOUT_SECONDS,
) -> Iterator[Fetched]:
    """The messages in ``folders`` above each folder's ``state``, oldest UID first per folder.

    ``state`` (folder → FolderState) is updated in place: a folder's ``last_uid`` moves past a
    message when the caller asks for the next one, so a fetch stopped half-way resumes after
    the last message taken. A changed UIDVALIDITY resets that folder (``notice`` is told why).
    ``tls`` false still upgrades with STARTTLS when the server offers it. Every folder is
    checked before any message is read: a missing one is an ImapError, nothing read.
    """
    folders = list(dict.fromkeys(folders))
    with _one_line_errors(host, port, username):
        session = _Session(_connect(host, port, tls, ssl_context, timeout), host)
        try:
            session.login(username, password)
            status = {folder: session.status(folder) for folder in folders}
            for folder in folders:
                yield from _new_in_folder(
                    session, folder, status[folder], state, (batch, window), notice
                )
        finally:
            session.close()


def _new_in_folder(
    session: _Session,
    folder: str,
    status: tuple[int, int],
    state: dict[str, FolderState],
    sizes: tuple[int, int],
    notice: Callable[[str], None] | None,
) -> Iterator[Fetched]:
    known = state.setdefault(folder, FolderState())
    uidvalidity, uidnext = status
    if known.uidvalidity == uidvalidity and uidnext and uidnext <= known.last_uid + 1:
        return  # nothing new: the folder isn't even opened
    uidvalidity, uidnext = session.examine(folder)
    if known.uidvalidity != uidvalidity:
        if known.uidvalidity and notice is not None:
            notice(
                f"IMAP: {folder} was renumbered on the server (UIDVALIDITY {known.uidvalidity} "
                f"→ {uidvalidity}); reading it again from the start."
            )
        known.uidvalidity, known.last_uid = uidvalidity, 0
    batch, window = sizes
    for low, high in _windows(known.last_uid + 1, uidnext, window):
        uids = session.new_uids(low, high)
        for start in range(0, len(uids), batch):
            for uid, header in session.headers(uids[start : start + batch]):
                yield Fetched(folder, uid, header, _body_of(session, folder, uid))
                known.last_uid = max(known.last_uid, uid)


def _windows(first: int, uidnext: int, size: int) -> Iterator[tuple[int, int | None]]:
    """UID ranges from ``first`` up to the folder's UIDNEXT; open-ended when it is unknown."""
    if not uidnext:
        yield first, None
        return
    for low in range(first, uidnext, size):
        yield low, min(low + size - 1, uidnext - 1)


def _body_of(session: _Session, folder: str, uid: int) -> Callable[[], bytes]:
    def body() -> bytes:
        with _one_line_errors(session.host, 0, ""):
            return session.body(folder, uid)

    return body


class _Session:
    """A logged-in connection and the folder it has open (read-only)."""

    def __init__(self, imap: imaplib.IMAP4, host: str) -> None:
        self.imap = imap
        self.host = host
        self.folder: str | None = None
        self.closed = False

    def login(self, username: str, password: str) -> None:
        try:
            self.imap.login(username, password)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as error:
            said = _server_text(error)
            raise ImapError(
                f"IMAP: {self.host} refused the login for {username}"
                + (f" ({said})" if said else "")
                + f"; check the password ({APP_PASSWORD_HINT})."
            ) from None

    def status(self, folder: str) -> tuple[int, int]:
        """(UIDVALIDITY, UIDNEXT) without opening the folder; a missing folder is an error."""
        kind, data = self.imap.status(_mailbox(folder), "(UIDVALIDITY UIDNEXT)")
        if kind != "OK":
            raise ImapError(
                f"IMAP: {self.host} has no folder {folder!r}"
                f" (its folders: {', '.join(self.folder_names()) or 'none'})."
            )
        text = b" ".join(part for part in data if isinstance(part, bytes))
        validity = re.search(rb"UIDVALIDITY (\d+)", text)
        following = re.search(rb"UIDNEXT (\d+)", text)
        return (
            int(validity.group(1)) if validity else 0,
            int(following.group(1)) if following else 0,
        )

    def folder_names(self) -> list[str]:
        kind, data = self.imap.list()
        if kind != "OK":
            return []
        names: list[str] = []
        for line in data:
            if isinstance(line, tuple):  # the name came as a literal
                names.append(_from_utf7(line[1].decode("utf-8", "replace")))
            elif isinstance(line, bytes):
                found = re.search(rb'("(?:[^"\\]|\\.)*"|[^ ]+)\s*$', line)
                if found:
                    name = found.group(1).decode("utf-8", "replace")
                    if name.startswith('"'):
                        name = re.sub(r"\\(.)", r"\1", name[1:-1])
                    names.append(_from_utf7(name))
        return sorted(names, key=lambda name: (name.upper() != "INBOX", name.casefold()))[:12]

    def examine(self, folder: str) -> tuple[int, int]:
        """Open ``folder`` read-only (EXAMINE); its UIDVALIDITY and UIDNEXT (0: not said)."""
        kind, data = self.imap.select(_mailbox(folder), readonly=True)
        if kind != "OK":
            raise ImapError(f"IMAP: {self.host} can't open {folder!r} ({_said(data)}).")
        self.folder = folder
        return self._number("UIDVALIDITY"), self._number("UIDNEXT")

    def _number(self, name: str) -> int:
        _, values = self.imap.response(name)
        try:
            return int(values[-1]) if values and values[-1] else 0
        except (TypeError, ValueError):
            return 0

    def new_uids(self, low: int, high: int | None) -> list[int]:
        kind, data = self.imap.uid("SEARCH", f"UID {low}:{high or '*'}")
        if kind != "OK":
            raise ImapError(f"IMAP: {self.host} can't search {self.folder!r} ({_said(data)}).")
        found = {int(word) for part in data if part for word in bytes(part).split()}
        # "n:*" always matches the highest UID, even when it is below n.
        return sorted(uid for uid in found if low <= uid <= (high or uid))

    def headers(self, uids: list[int]) -> list[tuple[int, bytes]]:
        return self._fetch(uids, "BODY.PEEK[HEADER]")

    def body(self, folder: str, uid: int) -> bytes:
        if self.closed:
            raise ImapError("IMAP: a message's text was asked for after the fetch had ended.")
        if self.folder != folder:
            self.examine(folder)
        fetched = self._fetch([uid], "BODY.PEEK[]")
        if not fetched:
            raise ImapError(f"IMAP: message {uid} in {folder!r} is no longer on the server.")
        return fetched[0][1]

    def _fetch(self, uids: list[int], item: str) -> list[tuple[int, bytes]]:
        kind, data = self.imap.uid("FETCH", _uid_set(uids), f"(UID {item})")
        if kind != "OK":
            raise ImapError(f"IMAP: {self.host} can't read {self.folder!r} ({_said(data)}).")
        wanted = set(uids)
        fetched: dict[int, bytes] = {}
        for part in data:
            if not isinstance(part, tuple):
                continue
            found = re.search(rb"UID (\d+)", part[0])
            if found and int(found.group(1)) in wanted:
                fetched[int(found.group(1))] = part[1]
        return sorted(fetched.items())

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _connect(
    host: str, port: int, tls: bool, context: ssl.SSLContext | None, timeout: float
) -> imaplib.IMAP4:
    context = context or ssl.create_default_context()
    if tls:
        return imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
    imap = imaplib.IMAP4(host, port, timeout=timeout)
    if "STARTTLS" in imap.capabilities:
        # Even without tls, the password goes encrypted whenever the server can.
        imap.starttls(context)
    elif not may_log_in_unencrypted(imap.sock.getpeername()[0]):
        imap.shutdown()
        raise ImapError(
            f"IMAP: {host} offers no encryption, and crm won't send your password over the"
            " network in the clear; set [imap] tls = true (port 993)."
        )
    return imap


def may_log_in_unencrypted(peer: str) -> bool:
    """Whether a password may go unencrypted to ``peer``: only to this machine."""
    try:
        return ipaddress.ip_address(peer.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def _one_line_errors(host: str, port: int, username: str) -> Iterator[None]:
    where = f"{host}:{port}" if port else host
    try:
        yield
    except ssl.SSLCertVerificationError as error:
        raise ImapError(
            f"IMAP: {where}'s certificate isn't trusted ({error.verify_message or error.reason})."
        ) from None
    except ssl.SSLError as error:
        raise ImapError(
            f"IMAP: TLS with {where} failed ({error.reason or error}); "
            "is the port one for IMAP over TLS (993)?"
        ) from None
    except ConnectionRefusedError:
        raise ImapError(f"IMAP: {where} refused the connection; check host and port.") from None
    except socket.gaierror:
        raise ImapError(f"IMAP: can't find the server {host!r}.") from None
    except TimeoutError:
        raise ImapError(f"IMAP: {where} didn't answer in time.") from None
    except imaplib.IMAP4.abort as error:
        raise ImapError(f"IMAP: the connection to {where} broke ({_server_text(error)}).") from None
    except imaplib.IMAP4.error as error:
        raise ImapError(f"IMAP: {where} said: {_server_text(error)}.") from None
    except OSError as error:
        raise ImapError(f"IMAP: can't reach {where}: {error.strerror or error}.") from None


def _server_text(error: BaseException) -> str:
    text = " ".join(str(error).split())
    text = re.sub(r"^\[[A-Z-]+\]\s*", "", text.removeprefix("b'").removeprefix('b"'))
    return text.rstrip("'\"")[:200]


def _said(data: Sequence[object]) -> str:
    return " ".join(
        bytes(part).decode("utf-8", "replace") for part in data if isinstance(part, bytes)
    )[:200]


def _uid_set(uids: list[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1:3,7"``: a batch stays one short line."""
    ranges: list[str] = []
    start = previous = uids[0]
    for uid in [*uids[1:], None]:
        if uid is not None and uid == previous + 1:
            previous = uid
            continue
        ranges.append(str(start) if start == previous else f"{start}:{previous}")
        if uid is not None:
            start = previous = uid
    return ",".join(ranges)


def _mailbox(folder: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501), quoted."""
    encoded = _to_utf7(folder)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _to_utf7(name: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _from_utf7(name: str) -> str:
    def decode(found: re.Match[str]) -> str:
        text = found.group(1)
        if not text:
            return "&"
        padded = text.replace(",", "/") + "=" * (-len(text) % 4)
        try:
            return base64.b64decode(padded).decode("utf-16-be")
        except ValueError:
            return found.group(0)

    return re.sub(r"&([^-]*)-", decode, name)
