"""messages.csv read as messages: the header in each era, dates, HTML, drafts, whose file it is."""

from __future__ import annotations

import codecs
import io
import unicodedata
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.domain.linkedin import LinkedInExportError
from crm.domain.linkedin_messages import (
    ExportKind,
    MessageSkip,
    Person,
    export_kind,
    involvements,
    my_name,
    parse_message_date,
    profile_candidates,
    read_messages_stream,
    skip_reason,
)
from crm.domain.types import Direction

ME = "https://www.linkedin.com/in/anna-petrova/"
ANN = "https://www.linkedin.com/in/ann-lee"
HEADER_2023 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER"
)
HEADER_2021 = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER"
)


def read(text: str, bom: bool = False) -> tuple:  # type: ignore[type-arg]
    data = text.encode()
    return read_messages_stream(io.BytesIO((codecs.BOM_UTF8 if bom else b"") + data))


def test_a_2023_export_reads_people_dates_and_html_content() -> None:
    (message,) = read(
        HEADER_2023 + "\n"
        f'c1,,Anna Petrova,{ME},"Ann Lee, Ярослав Петров","{ANN},https://linkedin.com/in/yar",'
        '2024-03-05 17:22:10 UTC,Hi,"<p>Thanks, Ann!</p><p>Line <b>two</b></p>",INBOX\n',
        bom=True,
    )
    assert message.sender == Person("https://linkedin.com/in/anna-petrova", "Anna Petrova")
    assert message.recipients == (
        Person("https://linkedin.com/in/ann-lee", "Ann Lee"),
        Person("https://linkedin.com/in/yar", "Ярослав Петров"),
    )
    assert message.sent_at == datetime(2024, 3, 5, 17, 22, 10)
    assert message.text == "Thanks, Ann!\nLine two"
    assert message.folder == "INBOX" and not message.draft
    assert message.message_id.startswith("linkedin:")


def test_an_older_export_without_recipient_urls_and_with_notes_above_the_header() -> None:
    (message,) = read(
        "Notes:\nSome words from LinkedIn\n\n"
        + HEADER_2021
        + "\nc1,,山田 太郎,https://linkedin.com/in/yamada,Anna Petrova,"
        '2021-05-01 08:00:00 UTC,,"Multi\nline, with commas",ARCHIVE\n'
    )
    assert message.line == 5
    assert message.recipients == (Person("", "Anna Petrova"),)
    assert message.text == "Multi\nline, with commas"


def test_the_message_id_is_the_same_in_a_newer_export_and_differs_per_message() -> None:
    row = f'c1,,Ann Lee,{ANN},Anna,{ME},2024-03-05 17:22:10 UTC,,"Hi\r\nthere",INBOX'
    (first,) = read(HEADER_2023 + "\n" + row + "\n")
    newer_header = HEADER_2023 + ",ATTACHMENTS,IS MESSAGE DRAFT"
    (again,) = read(newer_header + "\n" + row.replace("\r\n", "\n") + ",,No\n")
    assert again.message_id == first.message_id
    (other,) = read(HEADER_2023 + "\n" + row.replace("Hi", "Hello") + "\n")
    assert other.message_id != first.message_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 17:22:10 UTC", datetime(2024, 3, 5, 17, 22, 10)),
        ("2024-03-05T17:22:10Z", datetime(2024, 3, 5, 17, 22, 10)),
        ("2024-03-05 19:22 +02:00", datetime(2024, 3, 5, 17, 22)),
        ("2024-02-30 10:00:00 UTC", None),
        ("5 Mar 2024", None),
        ("", None),
    ],
)
def test_message_dates_are_naive_utc(text: str, expected: datetime | None) -> None:
    assert parse_message_date(text) == expected


def test_the_kind_of_file_is_told_by_its_header() -> None:
    connections = (
        b"Notes:\nx\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    )
    assert export_kind(io.BytesIO(connections)) is ExportKind.CONNECTIONS
    assert export_kind(io.BytesIO(HEADER_2021.encode() + b"\n")) is ExportKind.MESSAGES
    quoted = ",".join(f'"{cell}"' for cell in HEADER_2023.split(","))
    assert export_kind(io.BytesIO(quoted.encode() + b"\n")) is ExportKind.MESSAGES
    with pytest.raises(LinkedInExportError, match="Connections.csv .* or messages.csv"):
        export_kind(io.BytesIO(b"Name,Phone\nAnn,123\n"))


def test_a_broken_row_names_its_line() -> None:
    with pytest.raises(LinkedInExportError, match="line 2: a quoted field is never closed"):
        read(HEADER_2023 + '\nc1,,Ann,,,,2024-03-05 17:22:10 UTC,,"never closed\n')


def test_drafts_and_spam_are_skipped() -> None:
    header = HEADER_2023 + ",IS MESSAGE DRAFT"
    draft, spam, kept = read(
        header + "\n"
        f"c1,,Anna,{ME},Ann,{ANN},2024-03-05 17:22:10 UTC,,draft,INBOX,Yes\n"
        f"c2,,Ann,{ANN},Anna,{ME},2024-03-05 17:22:10 UTC,,buy now,SPAM,No\n"
        f"c3,,Ann,{ANN},Anna,{ME},2024-03-05 17:22:10 UTC,,hello,INBOX,\n"
    )
    assert [skip_reason(m) for m in (draft, spam, kept)] == [
        MessageSkip.DRAFT,
        MessageSkip.SPAM,
        None,
    ]


def test_your_profile_is_the_one_in_every_message() -> None:
    messages = read(
        HEADER_2023 + "\n"
        f"c1,,Anna Petrova,{ME},Ann Lee,{ANN},2024-03-05 17:22:10 UTC,,hi,INBOX\n"
        f"c1,,Ann Lee,{ANN},Anna Petrova,{ME},2024-03-06 09:00:00 UTC,,hello,INBOX\n"
        "c2,,Bob,https://linkedin.com/in/bob,Anna Petrova,"
        f"{ME},2024-03-07 09:00:00 UTC,,yo,INBOX\n"
        "c3,,LinkedIn Member,,Anna Petrova,,2024-03-08 09:00:00 UTC,,gone,INBOX\n"
        "c4,,Bob,https://linkedin.com/in/bob,,,2024-03-09 09:00:00 UTC,,to no one,INBOX\n"
    )
    me = "https://linkedin.com/in/anna-petrova"
    assert profile_candidates(messages) == (me,)
    assert my_name(messages, me) == "Anna Petrova"
    sent, reply, *_ = messages
    assert involvements(sent, me, "Anna Petrova")[0].direction is Direction.OUTBOUND
    assert (
        involvements(reply, me, "Anna Petrova")[0].person.url == "https://linkedin.com/in/ann-lee"
    )
    assert involvements(reply, me, "Anna Petrova")[0].direction is Direction.INBOUND


def test_in_an_older_export_your_name_in_every_to_finds_your_profile() -> None:
    messages = read(
        HEADER_2021 + "\n"
        f'c1,,Anna Petrova,{ME},"Ann Lee, Jane Doe, Ph.D.",2021-03-05 17:22:10 UTC,,hi,INBOX\n'
        "c2,,Bob,https://linkedin.com/in/bob,Anna Petrova,2021-03-07 09:00:00 UTC,,yo,INBOX\n"
    )
    assert profile_candidates(messages) == ("https://linkedin.com/in/anna-petrova",)


def test_one_conversation_leaves_two_candidates() -> None:
    messages = read(
        HEADER_2023 + f"\nc1,,Anna Petrova,{ME},Ann Lee,{ANN},2024-03-05 17:22:10 UTC,,hi,INBOX\n"
    )
    assert len(profile_candidates(messages)) == 2


def test_control_characters_never_reach_the_terminal() -> None:
    (message,) = read(
        HEADER_2023 + "\n"
        f'c1,,"Ann\x1b[2J Lee",{ANN},Anna,{ME},2024-03-05 17:22:10 UTC,"Hi\x07",'
        '"one\x1b]0;pwned\x07 two\u202e",INBOX\n'
    )
    assert message.sender.name == "Ann[2J Lee"
    assert message.subject == "Hi"
    assert "\x1b" not in message.text and "\x07" not in message.text
    assert "\u202e" not in message.text


def test_in_an_older_export_a_name_holding_a_comma_is_still_found_in_to() -> None:
    messages = read(
        HEADER_2021 + "\n"
        f'c1,,"Anna Petrova, MBA",{ME},Ann Lee,2021-03-05 17:22:10 UTC,,hi,INBOX\n'
        'c2,,Bob,https://linkedin.com/in/bob,"Anna Petrova, MBA",2021-03-07 09:00:00 UTC,,yo,\n'
    )
    assert profile_candidates(messages) == ("https://linkedin.com/in/anna-petrova",)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=12), st.binary(max_size=200))
def test_any_file_reads_or_is_refused_in_one_line(cells: list[str], tail: bytes) -> None:
    data = (HEADER_2023 + "\n" + ",".join(cells)).encode("utf-8", "surrogatepass") + tail
    try:
        messages = read_messages_stream(io.BytesIO(data))
    except LinkedInExportError as error:
        assert "\n" not in str(error)
        return
    for message in messages:
        assert message.message_id.startswith("linkedin:")
        controls = [c for c in message.text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
        assert controls == []
