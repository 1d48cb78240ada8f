"""features/sup.feature — scenarios run against the real engine (steps: tests/bdd/conftest.py)."""

from pytest_bdd import scenarios

scenarios("sup.feature")
