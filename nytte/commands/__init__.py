"""Subcommands of ``python -m nytte``; each module has ``register(subparsers)``."""
