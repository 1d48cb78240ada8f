"""Fixtures of the workbench's browser tests: one real server and one headless Chromium per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import BrowserUnavailable, Server, launch, start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    live = start_server(tmp_path_factory.mktemp("ui-live"))
    yield live
    stop_server(live.process)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Any]:
    try:
        driver = launch(tmp_path_factory.mktemp("chromium-profile"), downloads)
    except BrowserUnavailable as exc:
        pytest.skip(f"browser tests skipped: {exc}")
    yield driver
    driver.quit()
