"""crm: a keyboard-driven terminal CRM for people looking for work."""

import os

__version__ = "0.1.0"

# Textual paints a change at its next frame tick, at most 60 a second by default: up to
# 16.7 ms of waiting on every keystroke. At 120 the wait halves (measured: filter-as-you-type
# p50 48 -> 32 ms); frames are still only painted when something changed. Read when textual
# is first imported, so it is set here, before any crm module imports it.
os.environ.setdefault("TEXTUAL_FPS", "120")
