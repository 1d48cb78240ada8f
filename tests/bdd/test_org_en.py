"""features/en/org.feature — the English mirror of org.feature (steps: tests/bdd/conftest.py)."""

from pytest_bdd import scenarios

scenarios("en/org.feature")
