"""Command line: `python -m nytte <command>`.

Each command lives in its own module under nytte/commands exposing
``register(subparsers)``; add the module's name to COMMANDS."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from nytte.core.config import ConfigError

COMMANDS: list[str] = [
    "nytte.commands.migrate",
    "nytte.commands.demo",
    "nytte.commands.retention",
    "nytte.commands.screen",
    "nytte.commands.council",
    "nytte.commands.attendance",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nytte", description="Nytte")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Commands speak in sentences; log details are for servers (the app logs them).
    logging.getLogger("nytte").addHandler(logging.NullHandler())
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        # Bad configuration: one sentence, no traceback.
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
