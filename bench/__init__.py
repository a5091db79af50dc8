"""crm's benchmarks: ``python -m bench`` (full size) or ``python -m bench --quick``."""
