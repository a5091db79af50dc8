"""`crm contact`, `search`, `duplicates`, `merge`, `connect` and `connections`: your people."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from crm.cli.context import contact_id_of, database, enum_choice, fail, now_of
from crm.cli.output import echo, echo_json, iso, print_table
from crm.domain.types import ConnectionSource, ContactDraft


@click.group()
def contact() -> None:
    """Add and change contacts."""


@contact.command("add")
@click.argument("name")
@click.option("--company", default="", help="Where they work.")
@click.option("--role", default="", help="Their role or title.")
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--linkedin", default="", help="LinkedIn profile URL.")
@click.option("--topic", "topics", multiple=True, help="An interest; repeat for more.")
@click.option("--note", default="", help="A relationship note.")
@click.option("--how-met", default="", help="How you know them.")
@click.option("--keep-in-touch", type=click.IntRange(1, 3650), default=None, help="Days.")
@click.option(
    "--rapport",
    type=click.Choice(["good", "neutral", "strained"]),
    default=None,
    help="How you left things.",
)
@click.option(
    "--lang",
    default="",
    metavar="en|ru|default",
    help="The language of their drafts (default: the [drafts] language).",
)
@click.pass_context
def contact_add(ctx: click.Context, name: str, **fields: Any) -> None:
    """Add a contact and print its id."""
    from crm.domain.validation import InvalidInput
    from crm.services import contacts

    draft = ContactDraft(
        name=name,
        company=fields["company"],
        role=fields["role"],
        email=fields["email"],
        phone=fields["phone"],
        linkedin_url=fields["linkedin"],
        topics=tuple(fields["topics"]),
        relationship_note=fields["note"],
        how_met=fields["how_met"],
        keep_in_touch_days=fields["keep_in_touch"],
        rapport=fields["rapport"] or "",
        language=_language(fields["lang"]),
    )
    database(ctx)
    try:
        contact_id = contacts.create_contact(draft, now=now_of(ctx))
    except InvalidInput as error:
        fail(str(error))
    echo(contact_id)


def _language(option: str) -> str:
    """A --lang value as stored: "default" (or empty) means the [drafts] default, ""."""
    return "" if option.strip().casefold() == "default" else option


@contact.command("edit")
@click.argument("contact_ref", metavar="CONTACT")
@click.option("--name", default=None, help="A new name.")
@click.option("--company", default=None, help="Where they work.")
@click.option("--role", default=None, help="Their role or title.")
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option("--lang", default=None, metavar="en|ru|default", help="Their drafts' language.")
@click.pass_context
def contact_edit(ctx: click.Context, contact_ref: str, **fields: str | None) -> None:
    """Change CONTACT's fields; the ones not given stay as they are."""
    from dataclasses import replace

    from crm.domain.validation import InvalidInput
    from crm.services import contacts

    database(ctx)
    contact_id = contact_id_of(contact_ref)
    changes: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
    if not changes:
        fail("Nothing to change: give --name, --company, --role, --email, --phone or --lang.")
    if "lang" in changes:
        changes["language"] = _language(changes.pop("lang") or "")
    now = now_of(ctx)
    try:
        draft = replace(contacts.get_contact(contact_id, now=now).to_draft(), **changes)
        contacts.update_contact(contact_id, draft, now=now)
    except (InvalidInput, contacts.ContactNotFound) as error:
        fail(str(error))
    echo(f"Saved {draft.name}.")


@contact.command("show")
@click.argument("contact_ref", metavar="CONTACT")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def contact_show(ctx: click.Context, contact_ref: str, as_json: bool) -> None:
    """What crm knows about CONTACT."""
    from crm.services import contacts

    database(ctx)
    now = now_of(ctx)
    try:
        shown = contacts.get_contact(contact_id_of(contact_ref), now=now)
    except contacts.ContactNotFound as error:
        fail(str(error))
    if as_json:
        payload = asdict(shown)
        for key in ("created_at", "updated_at", "last_touch_at"):
            payload[key] = iso(payload[key])
        payload["topics"] = list(shown.topics)
        echo_json(payload)
        return
    lines = [
        ("Name", shown.name),
        ("Company", shown.company),
        ("Role", shown.role),
        ("E-mail", shown.email),
        ("Phone", shown.phone),
        ("LinkedIn", shown.linkedin_url),
        ("How met", shown.how_met),
        ("Topics", ", ".join(shown.topics)),
        ("Note", shown.relationship_note),
        (
            "Keep in touch",
            f"every {shown.keep_in_touch_days} days" if shown.keep_in_touch_days else "",
        ),
        ("Rapport", shown.rapport),
        ("Language", shown.language),
    ]
    for label, value in lines:
        if value:
            echo(f"{label}: {value}")


@contact.command("delete")
@click.argument("contact_ref", metavar="CONTACT")
@click.option("--yes", is_flag=True, help="Really delete (with everything logged about them).")
@click.pass_context
def contact_delete(ctx: click.Context, contact_ref: str, yes: bool) -> None:
    """Delete a contact and their conversations and follow-ups (asks for --yes)."""
    from crm.domain.validation import InvalidInput
    from crm.services import merging

    database(ctx)
    contact_id = contact_id_of(contact_ref)
    if not yes:
        fail("Deleting removes their conversations and follow-ups too: add --yes to confirm.")
    try:
        deleted = merging.delete_contact(contact_id)
    except InvalidInput as error:
        fail(str(error))
    echo(f"Deleted {deleted.name}.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def duplicates(ctx: click.Context, as_json: bool) -> None:
    """Likely duplicate contacts: same e-mail, same LinkedIn, or same name at one company."""
    from crm.services import merging

    database(ctx)
    groups = merging.find_duplicate_contacts(now=now_of(ctx))
    if as_json:
        payload = [
            {
                "reason": group.reason,
                "contacts": [
                    {"id": c.id, "name": c.name, "company": c.company, "email": c.email}
                    for c in group.contacts
                ],
            }
            for group in groups
        ]
        echo_json(payload)
        return
    if not groups:
        echo("No likely duplicates.")
        return
    for group in groups:
        echo(f"{group.reason}:")
        for c in group.contacts:
            echo(
                f"  {c.id}  {c.name}"
                + (f" ({c.company})" if c.company else "")
                + (f" <{c.email}>" if c.email else "")
            )
        ids = [c.id for c in group.contacts]
        echo(f"  see what a merge does: crm merge {ids[0]} {ids[1]} --dry-run")


@click.command()
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@click.option("--dry-run", is_flag=True, help="Show what the merge would do; change nothing.")
@click.pass_context
def merge(ctx: click.Context, keep_id: int, other_id: int, dry_run: bool) -> None:
    """Merge OTHER_ID into KEEP_ID: everything moves over, fields are combined."""
    from crm.domain.validation import InvalidInput
    from crm.services import merging

    database(ctx)
    try:
        if dry_run:
            echo(merging.merge_preview(keep_id, other_id).text())
            echo(f"Nothing changed. Merge with: crm merge {keep_id} {other_id}")
            return
        result = merging.merge_contacts(keep_id, other_id, now=now_of(ctx))
    except InvalidInput as error:
        fail(str(error))
    moved = ", ".join(f"{count} {what}" for what, count in result.moved.items()) or "no records"
    echo(f"Merged #{other_id} into #{keep_id} (moved {moved}).")


@click.command()
@click.argument("query", default="")
@click.option("--company", default="", help="Only people at this company (loosely matched).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def search(ctx: click.Context, query: str, company: str, limit: int, as_json: bool) -> None:
    """Find contacts by name, company, role or topic, best match first."""
    from crm.services import contacts

    if not query.strip() and not company.strip():
        fail("Give something to search for, or --company.")
    database(ctx)
    rows = contacts.search_contacts(query, company=company, limit=limit)
    if as_json:
        fields = ("id", "name", "company", "role", "email", "overdue")
        payload = [{key: asdict(row)[key] for key in fields} for row in rows]
        echo_json(payload)
        return
    if not rows:
        echo("No contacts match.", err=True)
        ctx.exit(1)
    print_table(
        ("ID", "Name", "Company", "Role", "E-mail"),
        [(str(r.id), r.name, r.company, r.role, r.email) for r in rows],
    )


@click.command()
@click.argument("contact")
@click.argument("other")
@click.option(
    "--source",
    type=enum_choice(ConnectionSource),
    default="other",
    show_default=True,
    help="How you know they know each other.",
)
@click.option("--note", default="", help="Anything worth remembering about it.")
@click.pass_context
def connect(ctx: click.Context, contact: str, other: str, source: str, note: str) -> None:
    """Record that CONTACT knows OTHER (ids or unambiguous names)."""
    from crm.domain.validation import InvalidInput
    from crm.services import connections

    database(ctx)
    first, second = contact_id_of(contact), contact_id_of(other)
    try:
        new = connections.add_connection(
            first, second, source=ConnectionSource(source), note=note, now=now_of(ctx)
        )
    except InvalidInput as error:
        fail(str(error))
    echo("Connected." if new else "Already connected; source and note updated.")


@click.command("connections")
@click.argument("contact")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def connections_command(ctx: click.Context, contact: str, as_json: bool) -> None:
    """Whom CONTACT knows."""
    from crm.services import connections

    database(ctx)
    known = connections.connections_of(contact_id_of(contact))
    if as_json:
        payload = [
            {
                "id": c.contact_id,
                "name": c.name,
                "company": c.company,
                "source": c.source.value,
                "note": c.note,
                "noted_at": iso(c.noted_at),
            }
            for c in known
        ]
        echo_json(payload)
        return
    if not known:
        echo("No connections recorded.", err=True)
        return
    print_table(
        ("ID", "Knows", "Company", "How you know", "Note"),
        [(str(c.contact_id), c.name, c.company, c.source.value, c.note) for c in known],
    )
