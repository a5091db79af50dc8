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
