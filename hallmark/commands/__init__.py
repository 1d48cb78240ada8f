"""Subcommands: one module each with ``register(subparsers)``; ``COMMANDS`` is the only list of them."""

from __future__ import annotations

from hallmark.commands import check, demo, impact, keys, matrix, serve, standards

COMMANDS = [check, demo, standards, serve, keys, matrix, impact]
