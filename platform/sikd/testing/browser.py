"""Browser tests: a live server on the test database, Debian's Chromium driven by Playwright.

Never ``playwright install``: Chromium comes from Debian (``infra/ensure-test-deps.sh``). The
tests (marked ``browser``) are skipped, with that reason, only when ``/usr/bin/chromium`` is
absent. The fixtures start nothing until a browser test asks for them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fixtures import TEST_PASSWORD
from .harness import REPO
from .web import make_person as _make_person

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
METRICS = REPO / "test-artifacts" / "web-metrics.json"


def pytest_collection_modifyitems(items):
    skip = pytest.mark.skip(
        reason="/usr/bin/chromium tidak ada; pasang dengan `bash infra/ensure-test-deps.sh` "
        "(apt-get install chromium) untuk menjalankan uji peramban"
    )
    for item in items:
        if "browser" in item.keywords and not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The test app served over HTTP from a thread; each request gets its own app context
    and its own tenant scope, as under gunicorn."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    # Module scope, not session: Playwright's sync API keeps an asyncio loop marked as
    # running in this thread while it is started, and pyHanko (signing, verification) calls
    # asyncio.run(), which refuses to run inside one. Browser tests must not leak it.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives every run a fresh temporary profile (user-data-dir) of its own
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def make_person(app, code: str, roles: list[str], unit: str | None = None):
    """A user made in an app context of its own (see :func:`sikd.testing.web.make_person`)."""
    return _make_person(app, code, roles, unit, tag="b")


@pytest.fixture
def person(app, browser, live_server):
    """A person with a browser context (cookie jar) of their own, logged in through the form."""
    contexts, blocked = [], []

    def _person(code: str, roles: list[str]):
        user = make_person(app, code, roles)
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        # Chromium reports what the Content-Security-Policy blocked on the console
        context.on(
            "console",
            lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        page = context.new_page()
        page.goto(f"{live_server}/masuk")
        page.get_by_label("Alamat surel").fill(user.email)
        page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server}/beranda")
        page.user = user
        return page

    yield _person
    for context in contexts:
        context.close()
    assert not blocked, f"the pages need something the security policy forbids: {blocked}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def record_metrics(key: str, data: dict) -> None:
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(METRICS.read_text()) if METRICS.exists() else {}
    current[key] = data
    METRICS.write_text(json.dumps(current, indent=2, ensure_ascii=False))
