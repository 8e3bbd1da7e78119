"""The API docs page loads nothing from the internet: Swagger UI is vendored and served by us,
started by our own script under a policy that runs no inline script."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from serverkit import BASE_URL, Server

from sviedka.http.docs import DOCS_CSP


class Assets(HTMLParser):
    """The URLs a page loads (``src`` and ``href``), and the text of its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in found.items() if k in ("src", "href") and v]
        self._in_script = tag == "script" and "src" not in found

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def assets_of(html: str) -> Assets:
    parser = Assets()
    parser.feed(html)
    return parser


def test_the_docs_page_names_no_other_host(server: Server) -> None:
    page = server.client.get("/api/v1/docs")
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert re.findall(r"(?:https?:)?//[^\s\"'<>]+", page.text) == []
    assert assets_of(page.text).urls == [
        "data:,",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
    ]


def test_the_docs_page_runs_only_our_own_scripts(server: Server) -> None:
    page = server.client.get("/api/v1/docs")
    assert page.headers["content-security-policy"] == DOCS_CSP
    assert "script-src 'self';" in DOCS_CSP and "connect-src 'self';" in DOCS_CSP
    assert assets_of(page.text).inline_scripts == []


@pytest.mark.parametrize("web", [False, True], ids=["api-only", "with-web"])
def test_what_the_docs_page_loads_is_served(server: Server, web: bool) -> None:
    with TestClient(server.another_app(web=web), base_url=BASE_URL) as client:
        page = client.get("/api/v1/docs")
        kinds = {}
        for url in assets_of(page.text).urls:
            if url.startswith("data:"):
                continue
            found = client.get(url)
            kinds[url] = (found.status_code, found.headers["content-type"].split(";")[0])
        assert kinds == {
            "/static/vendor/swagger-ui/swagger-ui.css": (200, "text/css"),
            "/static/vendor/swagger-ui/swagger-ui-bundle.js": (200, "text/javascript"),
            "/static/js/api-docs.js": (200, "text/javascript"),
        }
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_vendored_swagger_ui_carries_its_licence_and_origin(server: Server) -> None:
    for name in ("LICENSE", "NOTICE", "README.md", "swagger-ui-bundle.js.LICENSE.txt"):
        found = server.client.get(f"/static/vendor/swagger-ui/{name}")
        assert found.status_code == 200, name
    readme = server.client.get("/static/vendor/swagger-ui/README.md").text
    assert "swagger-ui-dist" in readme and "5.36.0" in readme


# -- in a real browser (Debian's Chromium, as tests/web/test_browser.py) -----------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def live(server: Server) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of this process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(server.app, port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)  # the lifespan is the TestClient's: it closes the archive
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (make system-deps)",
)
def test_swagger_ui_renders_the_api_from_this_server_alone(live: str) -> None:
    from playwright.sync_api import sync_playwright

    asked: list[str] = []
    complaints: list[str] = []
    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        page = browser.new_page()
        page.on("request", lambda request: asked.append(request.url))
        page.on("console", lambda m: complaints.append(m.text) if m.type == "error" else None)
        page.goto(f"{live}/api/v1/docs")
        page.locator(".opblock").first.wait_for(timeout=15_000)
        operations = page.locator(".opblock").count()
        page.locator(".opblock-summary").first.click()  # open one: examples, highlighted JSON
        page.locator(".opblock-body .responses-wrapper").first.wait_for(timeout=15_000)
        page.get_by_role("button", name="Try it out").first.click()  # a request, from the page
        page.get_by_role("button", name="Execute").first.click()
        page.locator(".live-responses-table tbody .response-col_status").first.wait_for()
        status = page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
        page.locator(".json-schema-2020-12-accordion").first.click()  # a schema, opened
        opened = ".json-schema-2020-12-body:not(.json-schema-2020-12-body--collapsed)"
        page.locator(opened).first.wait_for(timeout=15_000)
        if os.environ.get("SVIEDKA_SCREENSHOTS"):
            page.screenshot(
                path=f"{os.environ['SVIEDKA_SCREENSHOTS']}/api-docs.png", full_page=True
            )
        browser.close()
    assert [url for url in asked if not url.startswith(live)] == []
    assert complaints == []
    assert (operations > 20, status) == (True, "200")
