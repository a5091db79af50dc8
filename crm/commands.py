"""Command palette: "Go to contact…" searches the database as you type."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm.messages import GoToContact
from crm.services import contacts

MAX_HITS = 20


class ContactCommands(Provider):
    """Find a contact by name or company and jump to it."""

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        rows = await asyncio.to_thread(contacts.search_contacts, query, limit=MAX_HITS)
        matcher = self.matcher(query)
        for rank, row in enumerate(rows):
            label = f"Go to contact… {row.name}" + (f" ({row.company})" if row.company else "")
            score = max(matcher.match(label), 1.0 - rank / (MAX_HITS + 1))
            yield Hit(
                score,
                matcher.highlight(label),
                partial(self._go_to, row.id),
                text=label,
                help=row.role or None,
            )

    async def discover(self) -> Hits:
        yield DiscoveryHit(
            "Go to contact…",
            self._hint,
            help="Type a name or company to jump to a contact",
        )

    def _hint(self) -> None:
        self.app.notify("Open the palette (Ctrl+P) and type a name or company.")

    def _go_to(self, contact_id: int) -> None:
        self.screen.post_message(GoToContact(contact_id))


class ActionCommands(Provider):
    """The app's verbs by name: log a conversation, add an opportunity, switch views…"""

    COMMANDS: tuple[tuple[str, str, str], ...] = (
        ("Log a conversation…", "log_highlighted", "With the highlighted contact"),
        ("Add a contact…", "new_contact", "Name, company, role, how you met"),
        ("Add an opportunity…", "new_opportunity_from_palette", "A role at a company"),
        ("Add an interview…", "new_interview_from_palette", "When, with whom"),
        ("Today", "show_tab('today')", "What you owe: overdue, due, this week, rings dropped"),
        ("Contacts", "show_tab('contacts')", "All contacts, filter by name or company"),
        ("Interviews", "show_tab('interviews')", "Opportunities by stage with their interviews"),
        ("Everyone's timeline", "timeline_everything", "Every conversation and follow-up"),
        ("Back channel…", "backchannel", "Who could speak about you at the highlighted company"),
        ("References", "references", "Your reference list: brief, give, export"),
        (
            "Import LinkedIn connections…",
            "import_linkedin",
            "Connections.csv from LinkedIn's data export",
        ),
        ("Import vCards…", "import_vcard", "An address book: a .vcf file or a folder of them"),
        ("Import Google Contacts…", "import_google", "contacts.csv from Google Contacts' export"),
        ("Undo the last delete", "undo_delete", "Bring back the contact deleted last (Ctrl+Z)"),
        (
            "Find duplicates…",
            "find_duplicates",
            "Same e-mail, same LinkedIn, or same name at one company",
        ),
        ("Rebuild the search index", "rebuild_search_index", "If search ever misses someone"),
    )

    async def discover(self) -> Hits:
        for name, action, help_text in self.COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self.COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )

    def _run(self, action: str) -> None:
        self.app.call_later(self.screen.run_action, action)
