"""The ``crm`` command, and ``python -m crm``."""

from crm.process import tune_before_imports


def main() -> None:
    """Start the CLI in a process tuned for it (crm.process); importing crm tunes nothing."""
    tune_before_imports()
    from crm.cli import main as run_cli

    run_cli()


if __name__ == "__main__":
    main()
