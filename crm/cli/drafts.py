"""`crm draft`: the message a follow-up asks for, as text, an .eml, a mailto: link, or logged
as sent."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crm.cli.context import database, fail, now_of
from crm.cli.output import echo, echo_json
from crm.zone import user_zone

if TYPE_CHECKING:
    from crm.domain.drafts import Draft


@click.command()
@click.argument("follow_up_id", type=int)
@click.option("--lang", default=None, metavar="en|ru", help="Write it in this language.")
@click.option(
    "--eml",
    "eml_path",
    default=None,
    metavar="FILE",
    help="Write an unsent e-mail (.eml) to open in a mail client; - for standard output.",
)
@click.option("--force", is_flag=True, help="With --eml: replace a file that is there.")
@click.option("--mailto", is_flag=True, help="Print a mailto: link instead of the text.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--log-sent", "log_sent", is_flag=True, help="Log it as sent: settles the follow-up.")
@click.option(
    "--text",
    "text_path",
    default=None,
    metavar="FILE",
    help="With --log-sent: the message as you sent it (- reads standard input).",
)
@click.pass_context
def draft(
    ctx: click.Context,
    follow_up_id: int,
    lang: str | None,
    eml_path: str | None,
    force: bool,
    mailto: bool,
    as_json: bool,
    log_sent: bool,
    text_path: str | None,
) -> None:
    """The message follow-up FOLLOWUP_ID asks for: "Subject: …", a blank line, the body.

    Where crm knows nothing it leaves a marked blank, [[like this]], to fill in."""
    from crm.services import drafts

    outputs = [name for name, given in (("--eml", eml_path), ("--mailto", mailto)) if given]
    if as_json:
        outputs.append("--json")
    if log_sent:
        outputs.append("--log-sent")
    if len(outputs) > 1:
        fail(f"Give one of {', '.join(outputs)}, not several.")
    if text_path is not None and not log_sent:
        fail("--text goes with --log-sent (the message as you sent it).")
    if force and eml_path is None:
        fail("--force goes with --eml.")
    database(ctx)
    now, tz = now_of(ctx), user_zone()
    if log_sent:
        _log_sent(follow_up_id, text_path, ctx)
        return
    try:
        written = drafts.draft_for(follow_up_id, language=lang, now=now, tz=tz)
    except drafts.DraftError as error:
        fail(str(error))
    if eml_path is not None:
        _write_eml(eml_path, drafts.eml_bytes(written, now=now), force)
    elif mailto:
        echo(drafts.mailto_url(written))
    elif as_json:
        echo_json(_draft_json(written))
    else:
        echo(written.text.rstrip("\n"))
    if written.blanks:
        count = len(written.blanks)
        echo(
            f"crm: {count} blank{'s' if count > 1 else ''} to fill: {', '.join(written.blanks)}",
            err=True,
        )


def _write_eml(path_text: str, data: bytes, force: bool) -> None:
    """The .eml to a new file (or over one with --force), or to standard output for ``-``."""
    if path_text == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(path_text).expanduser()
    try:
        with path.open("wb" if force else "xb") as out:
            out.write(data)
    except FileExistsError:
        fail(f"{path} is there already: give --force to replace it.")
    except OSError as error:
        fail(f"{path}: {error.strerror}.")
    echo(f"Wrote {path}.")


def _log_sent(follow_up_id: int, text_path: str | None, ctx: click.Context) -> None:
    """Log the message as sent and say what it settled and planned, as `crm log` does."""
    from crm.domain.playbook import log_lines, warning_line
    from crm.services import drafts

    text = None
    if text_path == "-":
        text = click.get_text_stream("stdin").read()
    elif text_path is not None:
        try:
            text = Path(text_path).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"{text_path}: can't be read ({getattr(error, 'strerror', None) or error}).")
    try:
        result = drafts.log_sent(follow_up_id, text, now=now_of(ctx), tz=user_zone())
    except drafts.DraftError as error:
        fail(str(error))
    for line in log_lines(result, tz=user_zone()):
        echo(line)
    for warning in result.warnings:
        echo(f"crm: warning: {warning_line(warning, surface='cli')}", err=True)


def _draft_json(written: Draft) -> dict[str, Any]:
    return {
        "follow_up_id": written.follow_up_id,
        "kind": written.kind.value,
        "language": written.language,
        "contact_id": written.contact_id,
        "contact": written.contact_name,
        "to": written.to,
        "subject": written.subject,
        "body": written.body,
        "blanks": list(written.blanks),
    }
