"""Passwords for the servers crm reaches ([sync], [imap]): from a command or the environment."""

from __future__ import annotations

import os
import subprocess

PASSWORD_SECONDS = 60


class PasswordError(Exception):
    """The password can't be had; the message is one line for the user."""


def read_password(command: tuple[str, ...], env: str, table: str) -> str:
    """The first line ``command`` prints (run without a shell), else ``$env``, else "".

    ``table`` names the config section in messages ("sync" → "[sync] password_command ...").
    The password is never stored or printed.
    """
    if command:
        try:
            done = subprocess.run(
                list(command),
                capture_output=True,
                text=True,
                timeout=PASSWORD_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PasswordError(
                f"[{table}] password_command {command[0]!r} didn't run: "
                f"{getattr(error, 'strerror', None) or error}."
            ) from None
        if done.returncode != 0:
            raise PasswordError(
                f"[{table}] password_command {command[0]!r} failed (exit {done.returncode})."
            )
        return done.stdout.splitlines()[0] if done.stdout else ""
    if env:
        value = os.environ.get(env)
        if value is None:
            raise PasswordError(f"[{table}] password_env: {env} is not set.")
        return value
    return ""
