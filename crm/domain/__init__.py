"""Pure domain rules and types: standard library only, no UI and no database."""
