"""Command palette: "Go to contact…" and "Log a conversation with…" search the database as
you type."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm.messages import GoToContact, LogRequested
from crm.services import contacts

MAX_HITS = 20

GO_TO = "Go to contact…"
LOG_WITH = "Log a conversation with…"
GO_TO_HELP = "Type a name or company to jump to a contact"
LOG_WITH_HELP = 'Type "log" and a name: the form opens for them, the cursor in Summary'

VERBS: tuple[tuple[str, str], ...] = (
    ("go to contact", GO_TO),
    ("go to", GO_TO),
    ("log a conversation with", LOG_WITH),
    ("log conversation with", LOG_WITH),
    ("log with", LOG_WITH),
    ("log", LOG_WITH),
)
"""What a query may start with to name the verb, longest first; a bare name means go to."""


def split_verb(query: str) -> tuple[str | None, str]:
    """The verb a query names (``GO_TO``/``LOG_WITH``) and the name after it; (None, query)
    when it names no verb."""
    words = query.split()
    lowered = [word.lower() for word in words]
    for phrase, verb in VERBS:
        phrase_words = phrase.split()
        if lowered[: len(phrase_words)] == phrase_words:
            return verb, " ".join(words[len(phrase_words) :])
    return None, query.strip()


class ContactCommands(Provider):
    """Find a contact by name or company and jump to it, or log a conversation with them."""

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        matcher = self.matcher(query)
        verb, name = split_verb(query)
        for phrase, help_text in ((GO_TO, GO_TO_HELP), (LOG_WITH, LOG_WITH_HELP)):
            # "go to", "log a conv…": the verb itself, so typing its words finds it.
            if not name and (verb == phrase or matcher.match(phrase) > 0):
                yield Hit(
                    max(matcher.match(phrase), 0.5),
                    matcher.highlight(phrase),
                    self._hint,
                    text=phrase,
                    help=help_text,
                )
        if not name:
            return
        rows = await asyncio.to_thread(contacts.search_contacts, name, limit=MAX_HITS)
        shown_verb = verb or GO_TO
        act = self._log_with if shown_verb == LOG_WITH else self._go_to
        for rank, row in enumerate(rows):
            label = f"{shown_verb} {row.name}" + (f" ({row.company})" if row.company else "")
            score = max(matcher.match(label), 1.0 - rank / (MAX_HITS + 1))
            yield Hit(
                score,
                matcher.highlight(label),
                partial(act, row.id),
                text=label,
                help=row.role or None,
            )

    async def discover(self) -> Hits:
        yield DiscoveryHit(GO_TO, self._hint, help=GO_TO_HELP)
        yield DiscoveryHit(LOG_WITH, self._hint, help=LOG_WITH_HELP)

    def _hint(self) -> None:
        self.app.notify(
            'Open the palette (Ctrl+P) and type a name or company, or "log" and a name.'
        )

    def _go_to(self, contact_id: int) -> None:
        self.screen.post_message(GoToContact(contact_id))

    def _log_with(self, contact_id: int) -> None:
        self.screen.post_message(LogRequested(contact_id))


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
            "Connections.csv or messages.csv from LinkedIn's data export",
        ),
        ("Import vCards…", "import_vcard", "An address book: a .vcf file or a folder of them"),
        ("Import Google Contacts…", "import_google", "contacts.csv from Google Contacts' export"),
        ("Import mail…", "import_mail", "Conversations from an mbox file or a Maildir folder"),
        (
            "Review proposed people…",
            "review_proposals",
            "People and interviews found in your mail: accept, skip or always ignore",
        ),
        ("Undo the last delete", "undo_delete", "Bring back the contact deleted last (Ctrl+Z)"),
        (
            "Find duplicates…",
            "find_duplicates",
            "Same e-mail, same LinkedIn, or same name at one company",
        ),
        ("Rebuild the search index", "rebuild_search_index", "If search ever misses someone"),
        (
            "Sync now",
            "sync_now",
            "Follow-ups, interviews and contacts with your CalDAV/CardDAV server",
        ),
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
