"""End to end in a real browser: headless Chromium (Debian's, via Playwright) against the app
over the real index. Screenshots go to the test's tmp_path and to /tmp/ui-shots/.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from recept.errors import IndexMissingError
from recept.settings import Settings

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/ui-shots")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SLOW = 120_000  # ms; the first question of a session also warms the model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def serve(factory: Any, settings: Settings) -> tuple[Any, str]:
    from ui.app import build_app, launch

    app = build_app(factory, settings)
    return app, launch(app, settings, prevent_thread_lock=True)


class Shots:
    def __init__(self, page: Any, tmp_path: Path, prefix: str) -> None:
        self.page, self.dir, self.prefix = page, tmp_path, prefix
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, full_page: bool = True) -> None:
        path = self.dir / f"{self.prefix}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        shutil.copy(path, SHOTS / path.name)


def test_ask_browse_and_draft_a_motion(
    browser: Any, assistant: Any, indexed_settings: Settings, tmp_path: Path
) -> None:
    settings = replace(indexed_settings, data_dir=str(tmp_path / "data"), port=free_port())
    app, url = serve(lambda: assistant, settings)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    shot = Shots(page, tmp_path, "ui")
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector("#vraag textarea", timeout=SLOW)

        # Ask: a cited answer, with a highlighted source card.
        page.fill("#vraag textarea", "Wat betekent ANNA?")
        page.keyboard.press("Enter")
        page.wait_for_selector("#bronnen .bron-kaart mark", timeout=SLOW)
        answer = page.locator("#chatbot .message").last
        assert "ANNA" in answer.inner_text()
        assert "ANNA" in " ".join(page.locator("#bronnen mark").all_inner_texts())
        shot("1-antwoord")

        # An empty question: a Dutch notice under the textbox, the chat untouched.
        before = page.locator("#chatbot").inner_text()
        page.fill("#vraag textarea", "   ")
        page.click("#verstuur")
        page.wait_for_selector("#chat-melding .melding", timeout=SLOW)
        assert "invoerveld is leeg" in page.locator("#chat-melding").inner_text()
        assert page.locator("#chatbot").inner_text() == before

        # Feedback with a comment ends up in <data>/feedback.jsonl.
        page.get_by_text("Feedback op het laatste antwoord").click()
        page.fill("#feedback-tekst textarea", "Duidelijk, dank")
        page.click("#duim-op")
        page.wait_for_selector("#chat-melding .melding.ok", timeout=SLOW)
        lines = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
        rec = json.loads(lines[-1])
        assert (rec["question"], rec["rating"], rec["comment"]) == (
            "Wat betekent ANNA?",
            "up",
            "Duidelijk, dank",
        )
        assert rec["citations"]

        # A marker [n] links to its source card and scrolls it into view.
        marker = page.locator('#chatbot a.bronlink[href^="#bron-"]').last
        target = marker.get_attribute("href")
        assert target and page.locator(target).count() == 1
        page.evaluate("document.querySelector('#bronnen').scrollIntoView({block: 'end'})")
        marker.click()
        page.wait_for_function(
            """id => { const r = document.querySelector(id).getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= window.innerHeight + 1; }""",
            arg=target,
            timeout=10_000,
        )
        assert page.url.rstrip("/") == url.rstrip("/")  # handled in page, no navigation
        shot("2-marker", full_page=False)

        # The recipe browser: letter facts, 14 ingredient cards, 3 quotes.
        page.click("#tab-recept-button")
        page.wait_for_selector("#recept-kaarten button.kaart", timeout=SLOW)
        assert page.locator("#recept-kaarten button.kaart.ingredient").count() == 14
        assert page.locator("#recept-kaarten button.kaart.quote").count() == 3
        facts = page.locator("#brief-feiten").inner_text()
        assert "1938042/1938060" in facts and "Gedeputeerde Staten" in facts
        page.locator("#recept-kaarten button.kaart.ingredient", has_text="Gunnen").click()
        page.wait_for_selector("#vraag-hierover", state="visible", timeout=SLOW)
        assert "belangeloos" in page.locator("#recept-detail").inner_text()
        shot("3-recept")

        # "Vraag hierover" switches to the chat and asks about the card.
        page.click("#vraag-hierover")
        page.wait_for_selector("#chatbot", state="visible", timeout=SLOW)
        page.wait_for_function(
            """() => { const m = document.querySelectorAll('#chatbot .message');
                       return m.length >= 4 && m[m.length - 1].innerText.includes('Gunnen')
                              && document.querySelector('#bronnen mark'); }""",
            timeout=SLOW,
        )
        assert "Wat houdt het ingrediënt 'Gunnen' in" in page.locator("#chatbot").inner_text()
        shot("4-vraag-hierover")

        # An example button asks for a motion in the chat; its sources come from the letter.
        page.click("#voorbeelden button:has-text('Stel een motie op')")
        page.wait_for_function(
            """() => { const m = document.querySelectorAll('#chatbot .message');
                       return m[m.length - 1].innerText.includes('constaterende dat'); }""",
            timeout=SLOW,
        )
        page.wait_for_function(
            "() => document.querySelectorAll('#bronnen .bron-kaart').length >= 3", timeout=SLOW
        )
        shot("4b-motie-in-chat", full_page=False)

        # The motion tab: a draft with "constaterende dat" and downloads.
        page.click("#tab-motie-button")
        page.fill("#motie-gemeente input, #motie-gemeente textarea", "Bloemendaal")
        page.fill("#motie-indieners textarea", "A. Jansen, fractie X\nB. de Vries, fractie Y")
        page.click("#motie-maak")
        page.wait_for_selector("#motie-docx", state="visible", timeout=SLOW)
        draft = page.locator("#motie-concept").inner_text()
        assert "constaterende dat" in draft and "Bloemendaal" in draft
        assert page.locator("#motie-bronnen .bron-kaart mark").count() > 0
        with page.expect_download(timeout=SLOW) as dl:
            page.click("#motie-docx")
        saved = tmp_path / dl.value.suggested_filename
        dl.value.save_as(str(saved))
        assert saved.suffix == ".docx" and saved.stat().st_size > 1000
        assert saved.read_bytes()[:2] == b"PK"  # a zip, as a .docx is
        shot("5-motie")
    finally:
        page.close()
        app.close()


def test_missing_index_shows_a_dutch_notice(browser: Any, tmp_path: Path) -> None:
    def missing() -> Any:
        raise IndexMissingError()

    settings = Settings.load(env={}, overrides={"data_dir": str(tmp_path), "port": free_port()})
    app, url = serve(missing, settings)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector("#status .melding", timeout=SLOW)
        status = page.locator("#status").inner_text()
        assert "Er is nog geen index" in status and "recept ingest" in status
        page.fill("#vraag textarea", "Wat betekent ANNA?")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('#chatbot').innerText.includes('recept ingest')",
            timeout=SLOW,
        )
        assert "Traceback" not in page.content()
        Shots(page, tmp_path, "geen-index")("1")
    finally:
        page.close()
        app.close()
