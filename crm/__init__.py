"""crm: a keyboard-driven terminal CRM for people looking for work."""

__version__ = "0.1.0"
