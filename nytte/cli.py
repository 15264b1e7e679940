"""Command line: `python -m nytte <command>`.

Each command lives in its own module under nytte/commands exposing
``register(subparsers)``; add the command's name and module to COMMANDS. Only the
module of the command being run is imported (a command's imports are its own start-up
time: `screen` needs neither Alembic nor the demo generator); `--help` imports them all."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "migrate": "nytte.commands.migrate",
    "demo": "nytte.commands.demo",
    "retention": "nytte.commands.retention",
    "screen": "nytte.commands.screen",
    "council": "nytte.commands.council",
    "attendance": "nytte.commands.attendance",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with ``command`` alone when it is known."""
    parser = argparse.ArgumentParser(prog="python -m nytte", description="Nytte")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = [COMMANDS[command]] if command in COMMANDS else list(COMMANDS.values())
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(args_in[0] if args_in else None).parse_args(args_in)
    # Commands speak in sentences; log details are for servers (the app logs them).
    logging.getLogger("nytte").addHandler(logging.NullHandler())
    from nytte.core.config import ConfigError

    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        # Bad configuration: one sentence, no traceback.
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
