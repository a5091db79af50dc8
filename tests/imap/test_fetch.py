"""crm.services.mail.imap against a real Dovecot: read-only, incremental, one-line errors."""

from __future__ import annotations

import email
import email.policy
import ssl
from email.header import Header

import pytest

from crm.config import ImapSettings
from crm.services.mail.imap import (
    Fetched,
    FolderState,
    ImapError,
    fetch_configured,
    fetch_new,
)
from tests.dav_servers import free_port
from tests.imap_server import DovecotServer


def message(number: int, subject: str = "", sender: str = "Anna <anna@example.org>") -> bytes:
    subject = subject or f"Message {number}"
    return (
        f"From: {sender}\r\n"
        "To: Me <me@example.org>\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <m{number}@example.org>\r\n"
        "Date: Wed, 18 Nov 2026 15:00:00 +0000\r\n"
        "\r\n"
        f"Body of message {number}.\r\n"
    ).encode()


def fetch(
    server: DovecotServer,
    state: dict[str, FolderState],
    folders: tuple[str, ...] = ("INBOX",),
    **options: object,
) -> list[Fetched]:
    return list(
        fetch_new(
            server.host,
            server.port,
            server.username,
            server.password,
            folders,
            state,
            tls=False,
            **options,  # type: ignore[arg-type]
        )
    )


def subjects(fetched: list[Fetched]) -> list[str]:
    return [
        str(email.message_from_bytes(item.header, policy=email.policy.default)["subject"])
        for item in fetched
    ]


def test_only_new_messages_are_fetched_and_a_renumbered_folder_again(
    imap_server: DovecotServer,
) -> None:
    for number in (1, 2, 3):
        imap_server.append("Sent", message(number))
    state: dict[str, FolderState] = {}
    first = fetch(imap_server, state, ("Sent",))
    assert subjects(first) == ["Message 1", "Message 2", "Message 3"]
    assert [item.folder for item in first] == ["Sent"] * 3
    assert state["Sent"] == FolderState(imap_server.uidvalidity("Sent"), first[-1].uid)
    assert fetch(imap_server, state, ("Sent",)) == []

    imap_server.append("Sent", message(4))
    imap_server.append("Sent", message(5))
    assert subjects(fetch(imap_server, state, ("Sent",))) == ["Message 4", "Message 5"]
    assert fetch(imap_server, state, ("Sent",)) == []

    old_validity = state["Sent"].uidvalidity
    imap_server.recreate("Sent")
    for number in (6, 7):
        imap_server.append("Sent", message(number))
    notices: list[str] = []
    again = fetch(imap_server, state, ("Sent",), notice=notices.append)
    assert subjects(again) == ["Message 6", "Message 7"]
    assert state["Sent"].uidvalidity == imap_server.uidvalidity("Sent") != old_validity
    assert len(notices) == 1 and "Sent" in notices[0] and "from the start" in notices[0]


def test_fetching_changes_nothing_on_the_server(imap_server: DovecotServer) -> None:
    imap_server.append("INBOX", message(1))
    imap_server.append("INBOX", message(2), flags="(\\Flagged)")
    imap_server.append("Sent", message(3), flags="(\\Seen)")
    before = {folder: imap_server.flags(folder) for folder in ("INBOX", "Sent")}
    assert before["INBOX"][1] == "\\Recent"  # unread: reading it with SELECT would mark it

    fetched: list[Fetched] = []
    bodies: list[bytes] = []
    for item in fetch_new(
        imap_server.host,
        imap_server.port,
        imap_server.username,
        imap_server.password,
        ["INBOX", "Sent"],
        {},
        tls=False,
    ):
        fetched.append(item)
        if item.folder == "Sent":
            # Bodies only when asked; an earlier folder's too (it is opened again, read-only).
            bodies = [item.body(), fetched[0].body()]
    assert [item.folder for item in fetched] == ["INBOX", "INBOX", "Sent"]
    assert bodies[0].startswith(b"From: Anna") and bodies[0].endswith(b"message 3.\r\n")
    assert bodies[1].endswith(b"Body of message 1.\r\n")
    assert b"Body of message" not in fetched[1].header

    assert {folder: imap_server.flags(folder) for folder in ("INBOX", "Sent")} == before


def test_a_fetch_stopped_half_way_resumes_after_the_last_message_taken(
    imap_server: DovecotServer,
) -> None:
    for number in range(1, 6):
        imap_server.append("INBOX", message(number))
    state: dict[str, FolderState] = {}
    taken = []
    for item in fetch_new(
        imap_server.host,
        imap_server.port,
        imap_server.username,
        imap_server.password,
        ["INBOX"],
        state,
        tls=False,
        batch=2,
        window=2,
    ):
        taken.append(item.uid)
        if len(taken) == 3:
            break
    assert state["INBOX"].last_uid == taken[1]  # the third was handed out, not yet done with
    rest = fetch(imap_server, state, batch=2, window=2)
    assert subjects(rest) == ["Message 3", "Message 4", "Message 5"]
    assert state["INBOX"].last_uid == rest[-1].uid


def test_a_body_after_the_fetch_ended_is_one_clear_error(imap_server: DovecotServer) -> None:
    imap_server.append("INBOX", message(1))
    (item,) = fetch(imap_server, {})
    with pytest.raises(ImapError, match="after the fetch had ended"):
        item.body()


def test_cyrillic_encoded_headers_survive(imap_server: DovecotServer) -> None:
    subject = Header("Приглашение на собеседование", "utf-8").encode()
    sender = f"{Header('Анна Петрова', 'utf-8').encode()} <anna@example.ru>"
    # The folder's name as a mail client sends it (modified UTF-7, RFC 3501).
    imap_server.append(
        "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-", message(1, subject=subject, sender=sender)
    )
    (item,) = fetch(imap_server, {}, ("Отправленные",))
    parsed = email.message_from_bytes(item.header, policy=email.policy.default)
    assert parsed["subject"] == "Приглашение на собеседование"
    assert parsed["from"].addresses[0].display_name == "Анна Петрова"
    assert item.folder == "Отправленные"


def test_a_wrong_password_is_one_line(imap_server: DovecotServer) -> None:
    with pytest.raises(ImapError) as raised:
        list(
            fetch_new(
                imap_server.host,
                imap_server.port,
                imap_server.username,
                "wrong",
                ["INBOX"],
                {},
                tls=False,
            )
        )
    text = str(raised.value)
    assert "refused the login for job-seeker" in text and "app password" in text
    assert "\n" not in text and "wrong" not in text


def test_a_closed_port_is_one_line() -> None:
    port = free_port()
    with pytest.raises(ImapError, match=rf"^IMAP: 127.0.0.1:{port} refused the connection"):
        list(fetch_new("127.0.0.1", port, "me", "secret", ["INBOX"], {}, tls=False))


def test_a_missing_folder_is_one_line_and_nothing_is_read(imap_server: DovecotServer) -> None:
    imap_server.append("INBOX", message(1))
    imap_server.create("&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-")
    state: dict[str, FolderState] = {}
    with pytest.raises(ImapError) as raised:
        fetch(imap_server, state, ("INBOX", "Sent Mail"))
    assert str(raised.value) == (
        "IMAP: 127.0.0.1 has no folder 'Sent Mail' (its folders: INBOX, Отправленные)."
    )
    assert state == {}


def test_tls_needs_a_trusted_certificate(imap_tls_server: DovecotServer) -> None:
    imap_tls_server.append("INBOX", message(1))
    server = imap_tls_server
    with pytest.raises(ImapError, match="certificate isn't trusted") as raised:
        list(fetch_new(server.host, server.port, server.username, server.password, ["INBOX"], {}))
    assert "\n" not in str(raised.value)

    trusted = ssl.create_default_context(cafile=str(server.ca_file))
    fetched = list(
        fetch_new(
            server.host,
            server.port,
            server.username,
            server.password,
            ["INBOX"],
            {},
            ssl_context=trusted,
        )
    )
    assert subjects(fetched) == ["Message 1"]


def test_plain_imap_on_a_tls_port_is_one_line(imap_server: DovecotServer) -> None:
    with pytest.raises(ImapError, match="TLS with 127.0.0.1:.* failed"):
        list(
            fetch_new(
                imap_server.host,
                imap_server.port,
                imap_server.username,
                imap_server.password,
                ["INBOX"],
                {},
            )
        )


def test_the_configured_password_command_is_used(
    imap_server: DovecotServer, tmp_path: pytest.TempPathFactory
) -> None:
    imap_server.append("INBOX", message(1))
    settings = ImapSettings(
        host=imap_server.host,
        port=imap_server.port,
        username=imap_server.username,
        password_command=("printf", "%s\\n", imap_server.password),
        folders=("INBOX",),
        tls=False,
    )
    assert subjects(list(fetch_configured(settings, {}))) == ["Message 1"]
    broken = ImapSettings(host="h", username="u", password_command=("false",))
    with pytest.raises(ImapError, match=r"^\[imap\] password_command 'false' failed \(exit 1\)"):
        fetch_configured(broken, {})
    with pytest.raises(ImapError, match="IMAP is not set up"):
        fetch_configured(ImapSettings(), {})


def test_without_tls_starttls_is_still_used_when_offered(
    imap_starttls_server: DovecotServer,
) -> None:
    server = imap_starttls_server
    server.append("INBOX", message(1))
    # The untrusted certificate shows the connection was upgraded before the password went.
    with pytest.raises(ImapError, match="certificate isn't trusted"):
        fetch(server, {})
    trusted = ssl.create_default_context(cafile=str(server.ca_file))
    assert subjects(fetch(server, {}, ssl_context=trusted)) == ["Message 1"]


def test_messages_spread_over_several_search_windows_all_come(
    imap_server: DovecotServer,
) -> None:
    uids = [imap_server.append("INBOX", message(number)) for number in range(1, 8)]
    state: dict[str, FolderState] = {}
    fetched = fetch(imap_server, state, window=3, batch=2)
    assert [item.uid for item in fetched] == uids
    assert state["INBOX"].last_uid == uids[-1]


@pytest.mark.parametrize(
    ("peer", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("192.0.2.7", False),
        ("2001:db8::1", False),
        ("fe80::1%eth0", False),
        ("not an address", False),
    ],
)
def test_a_password_goes_unencrypted_only_to_this_machine(peer: str, allowed: bool) -> None:
    from crm.services.mail.imap import may_log_in_unencrypted

    assert may_log_in_unencrypted(peer) is allowed
