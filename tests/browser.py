"""Browser-test fixtures: a real `opit serve` on a free port and Debian's Chromium via Playwright.

Tests that use them skip, saying why, only when Chromium or Playwright is missing. Never run
`playwright install`: Playwright drives the system Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("OPIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1400, "height": 1000}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"opit serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"opit serve did not answer on {url} within {seconds} s")


@pytest.fixture
def served_app(app_database, tmp_path) -> Iterator[str]:
    """The app, serving the demo database, at an http://127.0.0.1:PORT address."""
    port = _free_port()
    env = {**os.environ, "OPIT_DATABASE_URL": app_database.url, "OPIT_LANGUAGE": "bg"}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--address", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # `opit serve` starts Streamlit as a child: stop the whole group
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        import signal

        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log.close()


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium browser driven by Playwright."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("no Chromium: install it with `apt-get install -y chromium` (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A page on a phone-sized viewport with touch."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="bg-BG")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def desk(chromium):
    """A page on a wide desktop viewport that accepts downloads (60 s for a busy machine)."""
    context = chromium.new_context(viewport=DESK, locale="bg-BG", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def accounts(app_database) -> dict[str, tuple[str, str]]:
    """One account per role in the served database: role → (username, password)."""
    from tests.accounts import PASSWORD, ensure_user

    return {
        role: (f"test-{role}", PASSWORD)
        for role in ("admin", "researcher", "reviewer")
        if ensure_user(app_database, role)
    }


def sign_in_page(page, base_url: str, username: str, password: str, path: str = "/") -> None:
    """Sign in through the sign-in page at `path` like a person (Bulgarian interface)."""
    page.goto(base_url + path)
    page.get_by_role("heading", name="Вход в Opit").wait_for()
    page.get_by_label("Потребителско име").fill(username)
    page.get_by_label("Парола").fill(password)
    page.get_by_role("button", name="Вход", exact=True).click()
