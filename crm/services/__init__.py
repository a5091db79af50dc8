"""Use cases: each opens a connection (and a transaction for writes) and returns plain DTOs."""
