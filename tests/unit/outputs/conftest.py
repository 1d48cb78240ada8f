"""Fixtures for the output-format tests: ``report`` is the shared fixture report (outputs_fixture.py)."""

from __future__ import annotations

import pytest
from outputs_fixture import fixture_report

from engine.report import Report


@pytest.fixture
def report() -> Report:
    return fixture_report()
