"""Mail as conversations: mailboxes read (reader), messages matched and logged (importing)."""
