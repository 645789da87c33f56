"""The review page in real headless Chromium (Debian's `chromium`, driven by Playwright):
three items reviewed from the keyboard change the record in the database. The screenshot is
kept as artifacts/review-page.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from schemas.record import Record
from services.config import Settings
from services.records.service import get_record
from services.review import service
from services.storage.repositories.review import DecisionFilter
from tests.review.documents import make_record, report
from tests.support.processes import REPO, UvicornServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = REPO / "artifacts" / "review-page.png"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install playwright (a dev extra)")
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser.sh")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_three_items_reviewed_from_the_keyboard(
    settings: Settings, api_key: str, review_server: UvicornServer, browser: Browser
) -> None:
    from playwright.sync_api import expect

    record_id = make_record(report())
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{review_server.url}/review")

    page.fill("#key-input", api_key)  # the page asks for a key once (auth is on)
    page.press("#key-input", "Enter")
    queue = page.locator("#queue li")
    expect(queue).to_have_count(10)
    expect(page.locator("#item-path")).to_have_text("proactive.licensing.prior_items")
    expect(page.locator("#doc mark")).to_have_text("396")  # the evidence, highlighted

    page.keyboard.press("2")  # the second candidate: 39
    _wait_for_status(page, "corrected proactive.licensing.prior_items")
    expect(page.locator("#item-path")).to_have_text("proactive.licensing.change")

    page.keyboard.press("a")
    _wait_for_status(page, "accepted proactive.licensing.change")
    expect(page.locator("#item-path")).to_have_text("proactive.licensing.decisions")

    page.keyboard.press("c")
    page.keyboard.type("180")
    page.keyboard.press("Enter")
    _wait_for_status(page, "corrected proactive.licensing.decisions")
    expect(queue).to_have_count(7)

    path = page.locator("#item-path")
    expect(path).to_have_text("reviews_litigation.review.upheld")
    page.keyboard.press("j")  # navigation: on to the next item and back
    expect(path).to_have_text("reviews_litigation.review.corrected")
    page.keyboard.press("k")
    expect(path).to_have_text("reviews_litigation.review.upheld")
    expect(page.locator("#doc mark")).to_be_in_viewport()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    page.close()
    assert errors == []

    record = Record.model_validate_json(get_record(record_id).json)
    licensing = record.proactive["licensing"]
    assert (licensing["prior_items"].value, licensing["prior_items"].method) == (39, "review")
    assert licensing["change"].review is not None
    assert licensing["change"].review.status == "accepted"
    assert licensing["decisions"].value == 180
    assert get_record(record_id).version == 4
    decisions = list(service.export_decisions(DecisionFilter(record_id=record_id)))
    lines = b"".join(decisions).decode().splitlines()
    assert len(lines) == 3 and all('"reviewer":"tests"' in line for line in lines)


def _wait_for_status(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#status")).to_contain_text(text)
