"""Contact search and the paged list: every script, odd input, index kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.domain.types import ContactDraft
from crm.domain.validation import InvalidInput
from crm.services import contacts

PEOPLE = [
    ("Кэти Смирнова", "Initech", "Recruiter"),
    ("José Núñez", "Acme Corp", "Engineering Manager"),
    ("山田 太郎 (Yamada Taro)", "Sony", "Director"),
    ("Mary O'Brien", "Acme, Inc.", "Designer"),
    ("Maria Santos-Dela Cruz", "Ayala Land", "HR Partner"),
    ("Bob Stone", "Globex", "Acme integration lead"),
]


@pytest.fixture
def people(db_path: Path) -> dict[str, int]:
    ids = {}
    for name, company, role in PEOPLE:
        ids[name] = contacts.create_contact(ContactDraft(name=name, company=company, role=role))
    return ids


def names(rows: list[contacts.ContactRow]) -> list[str]:
    return [row.name for row in rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("кэти", "Кэти Смирнова"),
        ("КЭТИ", "Кэти Смирнова"),
        ("jose", "José Núñez"),
        ("JOSÉ", "José Núñez"),
        ("nunez", "José Núñez"),
        ("yamada", "山田 太郎 (Yamada Taro)"),
        ("山田", "山田 太郎 (Yamada Taro)"),
        ("太郎", "山田 太郎 (Yamada Taro)"),
        ("o'brien", "Mary O'Brien"),
        ("dela cruz", "Maria Santos-Dela Cruz"),
    ],
)
def test_search_finds_names_in_any_script(
    people: dict[str, int], query: str, expected: str
) -> None:
    assert names(contacts.search_contacts(query))[:1] == [expected]


@pytest.mark.parametrize("query", ["ACME", "acme", "acm", "Acme Corp"])
def test_search_by_company_finds_everyone_there(people: dict[str, int], query: str) -> None:
    found = names(contacts.search_contacts(query))
    assert {"José Núñez", "Mary O'Brien"} <= set(found)


def test_people_at_the_company_rank_above_a_role_mentioning_it(people: dict[str, int]) -> None:
    found = names(contacts.search_contacts("acme"))
    assert found.index("Bob Stone") > found.index("José Núñez")


def test_company_option_matches_loosely(people: dict[str, int]) -> None:
    found = names(contacts.search_contacts("", company="ACME inc"))
    assert sorted(found) == ["José Núñez", "Mary O'Brien"]
    assert names(contacts.search_contacts("mary", company="acme")) == ["Mary O'Brien"]


@pytest.mark.parametrize(
    "query",
    [
        "c++ -x",
        '"',
        "*",
        "o'brien",
        "(((",
        ")",
        "AND",
        "OR NOT",
        "-",
        ":",
        "^",
        "a:b:c",
        "NEAR(",
        "\\",
        "'",
        "{name}:",
        "名*前",
        "\x00",
        "--",
        '"unterminated',
    ],
)
def test_odd_input_never_raises(people: dict[str, int], query: str) -> None:
    contacts.search_contacts(query)
    contacts.count_contacts(query)
    contacts.contacts_page(query)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=30))
def test_any_text_is_a_safe_query(people: dict[str, int], query: str) -> None:
    rows = contacts.contacts_page(query)
    assert contacts.count_contacts(query) >= len(rows)


def test_index_follows_edits_in_the_same_transaction(people: dict[str, int]) -> None:
    katie = people["Кэти Смирнова"]
    contacts.update_contact(katie, ContactDraft(name="Кэти Смирнова", company="Hooli"))
    assert "Кэти Смирнова" in names(contacts.search_contacts("hooli"))
    assert "Кэти Смирнова" not in names(contacts.search_contacts("initech"))


def test_a_refused_edit_changes_nothing(people: dict[str, int]) -> None:
    katie = people["Кэти Смирнова"]
    with pytest.raises(InvalidInput):
        contacts.update_contact(katie, ContactDraft(name="", company="Hooli"))
    detail = contacts.get_contact(katie)
    assert (detail.name, detail.company) == ("Кэти Смирнова", "Initech")


def test_topics_and_notes_are_searchable(db_path: Path) -> None:
    contacts.create_contact(
        ContactDraft(name="Ann Lee", topics=("Spartak Moscow fan",), how_met="PyCon Manila")
    )
    assert names(contacts.search_contacts("spartak")) == ["Ann Lee"]
    assert names(contacts.search_contacts("manila")) == ["Ann Lee"]


def test_list_is_in_folded_name_order(people: dict[str, int]) -> None:
    rows = contacts.contacts_page("")
    assert names(rows)[0] == "Bob Stone"
    assert [r.sort_key for r in rows] == sorted(r.sort_key for r in rows)


def test_keyset_pages_match_offset_pages(db_path: Path) -> None:
    for i in range(25):
        contacts.create_contact(ContactDraft(name=f"Person {i % 7}", company="Acme"))
    by_offset = [contacts.contacts_page("", offset=o, limit=5) for o in range(0, 25, 5)]
    by_keyset = [contacts.contacts_page("", limit=5)]
    while len(by_keyset) < 5:
        last = by_keyset[-1][-1]
        by_keyset.append(contacts.contacts_page("", limit=5, after=(last.sort_key, last.id)))
    assert [[r.id for r in page] for page in by_keyset] == [
        [r.id for r in page] for page in by_offset
    ]


def test_contact_position_agrees_with_the_list(people: dict[str, int]) -> None:
    rows = contacts.contacts_page("")
    for index, row in enumerate(rows):
        assert contacts.contact_position(row.id) == index
    acme = contacts.contacts_page("acme")
    assert contacts.contact_position(acme[1].id, "acme") == 1
    assert contacts.contact_position(people["Кэти Смирнова"], "acme") is None


def test_counts_agree_with_pages(people: dict[str, int]) -> None:
    for query in ["", "acme", "кэти", "zzz"]:
        assert contacts.count_contacts(query) == len(contacts.contacts_page(query))


def test_same_company_spelled_differently_is_one_company(people: dict[str, int]) -> None:
    mary = contacts.get_contact(people["Mary O'Brien"])
    assert mary.company == "Acme Corp"  # "Acme, Inc." joined the existing Acme


def test_rebuild_index_restores_search(people: dict[str, int]) -> None:
    assert contacts.rebuild_index() == len(PEOPLE)
    assert names(contacts.search_contacts("кэти")) == ["Кэти Смирнова"]


def test_rebuilding_the_index_writes_what_index_contact_writes(demo_db: Path) -> None:
    from crm.db import db
    from crm.db.search import index_contact, index_contacts
    from crm.services.tx import reading, writing

    def index_rows() -> list[tuple[object, ...]]:
        with reading():
            return list(db.execute_sql("SELECT rowid, * FROM contact_index ORDER BY rowid"))

    with writing():
        for (contact_id,) in db.execute_sql("SELECT id FROM contact").fetchall():
            index_contact(contact_id)
        db.execute_sql(
            "INSERT INTO contact_index (rowid, name, company, role, topics, notes)"
            " VALUES (999999, 'gone', '', '', '', '')"
        )
    one_by_one = index_rows()
    assert contacts.rebuild_index() == len(one_by_one) - 1
    assert index_rows() == one_by_one[:-1]
    with writing():
        db.execute_sql(
            "INSERT INTO contact_index (rowid, name, company, role, topics, notes)"
            " VALUES (999999, 'gone', '', '', '', '')"
        )
        index_contacts([999999, one_by_one[0][0]])  # the contact is gone: its row goes
    assert index_rows() == one_by_one[:-1]
