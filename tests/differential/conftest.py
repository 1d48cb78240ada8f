"""Hypothesis profiles for the differential tests; pick one with HYPOTHESIS_PROFILE (default ``ci``).

The profile is applied to these tests only (``DIFFERENTIAL`` in the test module), never loaded
globally, so the rest of the suite keeps its own settings.

- ``ci``: derandomized, sized so that the whole differential suite checks several thousand
  centers in well under a minute on one core;
- ``dev``: ten times as many examples, random seeds.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

# Hypothesis' shrinking re-evaluates whole batches for minutes; a failure instead reports each
# differing center reduced by test_engine_matches_reference.minimal_center.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=NO_SHRINK,
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=NO_SHRINK,
    print_blob=True,
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.get_profile(PROFILE)  # an unknown name fails here, at collection

from strategies import CHECKED  # noqa: E402  (the tally the test module keeps)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CHECKED["centers"]:
        terminalreporter.write_line(
            f"differential ({PROFILE}): {len(CHECKED['distinct'])} distinct centers, "
            f"{CHECKED['centers']} center evaluations (center × standard × as-of), "
            f"{CHECKED['results']} clause results, each compared across durable, python and the reference"
        )
