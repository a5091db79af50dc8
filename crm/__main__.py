"""The ``crm`` command, and ``python -m crm``."""

from crm.process import pause_garbage_collection


def main() -> None:
    """Start the CLI with the garbage collector paused until start-up is over."""
    pause_garbage_collection()
    from crm.cli import main as run_cli

    run_cli()


if __name__ == "__main__":
    main()
