"""Subcommands: one module each with ``register(subparsers)``; ``COMMANDS`` is the only list of them."""

from __future__ import annotations

from hallmark.commands import check, demo, standards

COMMANDS = [check, demo, standards]
