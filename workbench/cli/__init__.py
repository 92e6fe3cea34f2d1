"""The ``workbench`` command line: a thin layer over :class:`workbench.Workbench`.

Every command that prints results takes ``--json``; ``--data`` (or ``WORKBENCH_DATA``) picks
the data directory. Heavy libraries load only inside the commands that need them, so
``workbench --help`` is instant. Groups live in sibling modules and register themselves here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from workbench.errors import WorkbenchError

app = typer.Typer(
    name="workbench",
    help="Claim workbench: who says so, who else carries it, do they agree, who was first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class State:
    """Options shared by all commands (set by the top-level callback)."""

    data: Path | None = None
    device: str | None = None
    model: str | None = None
    user: str | None = None
    password_stdin: bool = False


state = State()


@app.callback()
def _root(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            envvar="WORKBENCH_DATA",
            help="Data directory (store + index). Default: index/.",
        ),
    ] = None,
    device: Annotated[
        str | None, typer.Option("--device", help="auto (GPU when present), cpu, cuda or mps.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Embedding model name or local folder.")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Team mode: act as this user (default: WORKBENCH_USER)."),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Team mode: read --user's password from stdin."),
    ] = False,
) -> None:
    state.data, state.device, state.model = data, device, model
    state.user, state.password_stdin = user, password_stdin


def settings(**overrides: Any):
    from workbench.settings import Settings

    return Settings.from_env(
        data=state.data, device=state.device, model=state.model, user=state.user, **overrides
    )


@contextmanager
def open_workbench(**overrides: Any) -> Iterator[Any]:
    from workbench.api import Workbench

    try:
        wb = Workbench.open(settings=settings(**overrides))
    except WorkbenchError as exc:
        fail(str(exc))
    wb.on_wait = lambda message: typer.echo(message, err=True)
    try:
        _sign_in(wb)
        yield wb
    except WorkbenchError as exc:
        # One line, also under typer's test runner (``main`` does the same for the script).
        fail(str(exc))
    finally:
        if wb.actor is not None and not wb.settings.token:
            wb.sign_out()  # a password sign-in lasts one command
        wb.close()


def read_password(prompt: str = "password", confirm: bool = False) -> str:
    """A password from stdin (``--password-stdin``: its first line) or a hidden prompt;
    never from the command line, so it is not in shell history or the process list."""
    if state.password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def _sign_in(wb: Any) -> None:
    """Team mode: act as ``--user`` (a token from WORKBENCH_TOKEN signed in already)."""
    if not wb.team_mode or wb.actor is not None or not wb.settings.user:
        return
    wb.sign_in(wb.settings.user, read_password(f"password for {wb.settings.user}"), "cli")


def emit(data: Any, as_json: bool, human: str | None = None) -> None:
    """Print ``data`` as JSON, or the human text."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif human is not None:
        typer.echo(human)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry: one-line errors instead of tracebacks for expected failures."""
    try:
        # Without standalone mode click returns the exit code instead of exiting.
        code = app(standalone_mode=False)
    except WorkbenchError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors come through here with standalone_mode=False
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _register() -> None:
    """Import the command modules; each adds its commands to ``app``."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"workbench.cli.{name}")


COMMAND_MODULES = ["commands", "evaluate", "outlets", "notes", "compare", "team"]
_register()
