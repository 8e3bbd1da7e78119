"""End to end in a real browser: Debian's Chromium driven by Playwright (never downloaded),
against a real uvicorn server started here on a free loopback port with a fresh demo archive.

``SVIEDKA_SCREENSHOTS=docs/screenshots`` also saves screenshots of the main pages there (see
docs/web.md). Nothing reaches the network: the quick exit's neutral site is answered locally.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from sviedka.http.web.pages import EXIT_URL
from sviedka.services.archive.demo import create_demo
from sviedka.services.archive.folder import open_archive
from sviedka.services.records.records import add_record

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (make system-deps)",
)

SCREEN = {"width": 1280, "height": 900}
DEMO_PASSWORD = "demo {} password"  # as services.accounts.add_demo_users makes them
SERVER = """
import sys, uvicorn
from pathlib import Path
from sviedka.http.app import create_app
from sviedka.http.config import ServerConfig
from sviedka.services.archive.folder import read_config
from sviedka.services.archive.demo import DEMO_CUSTODIAN, DEMO_PASSPHRASE
from sviedka.services.archive.keys import unlock_archive
path = Path(sys.argv[1])
keys = unlock_archive(path, read_config(path).id, DEMO_CUSTODIAN, DEMO_PASSPHRASE)
app = create_app(ServerConfig(archive=path, keys=keys, rate_limit=0))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "demo"
    create_demo(path)
    return path


@pytest.fixture(scope="module")
def restricted(archive: Path) -> str:
    with open_archive(archive) as opened:
        data = {
            "names": [{"full": "Засакрэчаны Сведка", "lang": "be"}],
            "confidentiality": "restricted",
        }
        return add_record(opened.store, "person", data, actor="test").record.id


@pytest.fixture(scope="module")
def server(archive: Path, restricted: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(archive), str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    context = browser.new_context(
        base_url=server, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.route("https://www.wikipedia.org/**", lambda route: route.fulfill(body="neutral"))
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(DEMO_PASSWORD.format(name))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("SVIEDKA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_log_in_and_see_the_dashboard(page: Page) -> None:
    page.goto("/")
    assert page.url.endswith("/login")
    shoot(page, "login")
    log_in(page, "documenter")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    shoot(page, "dashboard")


def test_record_a_detention_in_one_form(page: Page) -> None:
    log_in(page, "documenter")
    page.goto("/record")
    shoot(page, "record-detention")
    page.get_by_label("Full name").fill("Мікола Статкевіч-Тэст")
    page.get_by_label("Language of this name").select_option("be")
    page.get_by_label("Date of arrest").fill("2021-03-04")
    page.locator("#charges\\.0\\.article").select_option("342")
    page.locator("#charges\\.0\\.part").fill("1")
    page.locator("#case\\.court\\.name").fill("Ленінскага")  # the demo's court, as you type
    found = page.locator("#picks-case-court .choice").first
    court = found.locator("label").inner_text().split(" · ")[0]  # in the page's language
    found.locator("input").check()
    page.get_by_label("Penalty").select_option("deprivation_of_liberty")
    page.get_by_label("Term in months").fill("36")
    page.locator("#source\\.title").fill("Паведамленне сям’і")
    page.get_by_role("button", name="Save the case").click()
    page.wait_for_url("**/people/**")
    assert page.get_by_role("heading", name="Мікола Статкевіч-Тэст").is_visible()
    assert page.get_by_text("Charged under article 342").is_visible()
    assert page.get_by_role("link", name=court).count() > 0  # the court picked, not a new one
    shoot(page, "person")


def test_a_detention_with_its_evidence_in_one_sitting(page: Page, tmp_path: Path) -> None:
    """The path a new documenter takes: the form, then evidence linked to the person."""
    photo = tmp_path / "court-letter.txt"
    photo.write_text("Пісьмо з суда (sample)", encoding="utf-8")
    started = time.monotonic()
    log_in(page, "documenter")
    page.get_by_role("link", name="Record a detention").click()
    page.get_by_label("Full name").fill("Ірына Тэставая")
    page.get_by_label("Date of arrest").fill("2022-05")
    page.locator("#source\\.title").fill("Звестка ад сваякоў")
    page.get_by_role("button", name="Save the case").click()
    page.get_by_role("link", name="Add evidence for this person").click()
    assert page.get_by_text("The files will be linked to:").is_visible()
    page.locator("#files").set_input_files(str(photo))
    page.locator("#uploads code.sha256").wait_for()
    page.locator("#uploads a").click()
    assert page.get_by_role("link", name="Ірына Тэставая").is_visible()
    print(f"detention with evidence recorded in {time.monotonic() - started:.1f} s of clicks")


def test_a_bad_date_is_explained_next_to_its_field(page: Page) -> None:
    log_in(page, "documenter")
    page.goto("/record")
    page.get_by_label("Full name").fill("Someone")
    page.get_by_label("Date of arrest").fill("4.3.2021")
    page.get_by_role("button", name="Save the case").click()
    error = page.locator("#arrest\\.date-error")
    assert error.inner_text() == "Write the date as YYYY, YYYY-MM or YYYY-MM-DD."


def test_upload_two_files_and_see_their_hashes(page: Page, tmp_path: Path) -> None:
    files = [tmp_path / "photo.txt", tmp_path / "letter.txt"]
    files[0].write_bytes(b"first file " * 1000)
    files[1].write_text("Ліст з калоніі", encoding="utf-8")
    log_in(page, "documenter")
    page.goto("/evidence")
    page.locator("#files").set_input_files([str(f) for f in files])
    hashes = page.locator("#uploads code.sha256")
    hashes.nth(1).wait_for()
    shown = sorted(hashes.all_inner_texts())
    assert shown == sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in files)
    shoot(page, "evidence-upload")
    page.goto(f"/evidence/{shown[0]}")
    assert page.get_by_role("heading", name="Chain of custody").is_visible()


def test_find_by_the_belarusian_form_of_a_name_entered_in_russian(page: Page) -> None:
    log_in(page, "documenter")
    page.goto("/record")
    page.get_by_label("Full name").fill("Василий Ковальчук")
    page.get_by_label("Language of this name").select_option("ru")
    page.get_by_label("Date of arrest").fill("2022-01-10")
    page.locator("#source\\.title").fill("Письмо")
    page.get_by_role("button", name="Save the case").click()
    page.wait_for_url("**/people/**")
    page.goto("/search")
    page.get_by_label("Names in any script, places, descriptions, testimony").fill(
        "Васіль Кавальчук"
    )
    page.locator("#results a", has_text="Василий Ковальчук").wait_for()
    assert "Кавальчук" not in page.url  # never in the address
    shoot(page, "search")


def test_switch_the_interface_to_belarusian(page: Page) -> None:
    log_in(page, "documenter")
    page.get_by_role("button", name="Беларуская").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "be"
    assert page.get_by_role("link", name="Людзі").is_visible()
    page.goto("/people")
    shoot(page, "people-be")
    page.get_by_role("button", name="English").click()


def test_a_viewer_cannot_see_a_restricted_record(page: Page, restricted: str) -> None:
    log_in(page, "viewer")
    response = page.goto(f"/people/{restricted}")
    assert response.status == 404
    page.goto("/people")
    assert page.get_by_text("Засакрэчаны Сведка").count() == 0


def test_quick_exit_leaves_and_replaces_the_page_in_history(page: Page, server: str) -> None:
    log_in(page, "documenter")
    page.goto("/people")
    before = page.evaluate("history.length")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(EXIT_URL)
    assert page.evaluate("history.length") == before
    for _ in range(50):  # the session was ended in the background (a beacon)
        response = page.request.get(f"{server}/", max_redirects=0)
        if response.status == 303:
            break
        time.sleep(0.1)
    assert response.headers["location"] == "/login"


@pytest.fixture(scope="module", autouse=True)
def screenshots_of_the_rest(server: str, browser: Browser) -> Iterator[None]:
    """The remaining main pages, when screenshots are asked for (after the tests above)."""
    yield
    if not os.environ.get("SVIEDKA_SCREENSHOTS"):
        return
    context = browser.new_context(
        base_url=server, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    log_in(tab, "admin")
    for name, path in [
        ("people", "/people"),
        ("record-incident", "/record/incident"),
        ("imports", "/imports"),
        ("admin", "/admin"),
        ("evidence", "/evidence"),
    ]:
        tab.goto(path)
        shoot(tab, name)
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto("/record")
    shoot(tab, "record-phone")
    context.close()
