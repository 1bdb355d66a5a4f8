"""Shared fixtures. The database fixtures live in tests/db_fixtures.py and are loaded here."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.db_fixtures", "tests.browser"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets in ../shared/data; tests that need them skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public data folder {SHARED_DATA} is absent")
    return SHARED_DATA
