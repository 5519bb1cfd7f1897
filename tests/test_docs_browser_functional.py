"""The built documentation in headless Chromium: no console errors, no failed loads,
no broken internal links, on the index, the migration page and an API page.

Chromium is driven over its DevTools protocol with the ``websockets`` client (no
automation library). The pages are served by aioloom's static route. The HTML is
built by the docs check, which ``tools/dev.py test`` runs before pytest.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import subprocess
import tempfile
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
import pytest_asyncio
from websockets.asyncio.client import ClientConnection, connect

from aioloom import web

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "docs" / "_build" / "html"
PAGES = ["index.html", "migration.html", "api/web.html"]
LINKS = "JSON.stringify(Array.from(document.querySelectorAll('a[href]'), a => a.href))"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids |= {value for name, value in attrs if name == "id" and value}


class _DevTools:
    """One page target; events are kept per navigation."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.loaded = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if "id" in message:
                self.replies.pop(message["id"]).set_result(message)
            elif message.get("method") == "Page.loadEventFired":
                self.loaded.set()
            else:
                self.events.append(message)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        reply = self.replies[number] = asyncio.get_running_loop().create_future()
        await self.ws.send(json.dumps({"id": number, "method": method, "params": params}))
        message = await asyncio.wait_for(reply, 30)
        assert "error" not in message, message
        return dict(message.get("result", {}))

    def problems(self) -> list[str]:
        found: list[str] = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params["type"] in {"error", "assert"}:
                found.append(f"console.{params['type']}: {params['args']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                if urlsplit(params["entry"].get("url", "")).path == "/favicon.ico":
                    continue
                found.append(f"log: {params['entry']['text']} {params['entry'].get('url')}")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                if urlsplit(params["response"]["url"]).path == "/favicon.ico":
                    continue  # the browser's own guess at the server's root, not the docs'
                found.append(f"{params['response']['status']}: {params['response']['url']}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"failed load: {params.get('errorText')}")
        return found


@pytest_asyncio.fixture
async def chromium(serve_app: Any) -> AsyncIterator[tuple[_DevTools, str]]:
    binary = serve_app.require("chromium")
    if not (HTML / "index.html").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("docs/_build/html is missing: tools/dev.py test builds it first")
        pytest.skip("build the docs first: .tools/venv/bin/hatch run docs:build")
    app = web.Application()
    app.router.add_static("/docs/", HTML)
    base = f"http://127.0.0.1:{await serve_app.start(app)}/docs/"
    with tempfile.TemporaryDirectory() as profile:
        browser = await asyncio.create_subprocess_exec(
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--remote-debugging-port=0", f"--user-data-dir={profile}",
            "about:blank",
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            assert browser.stderr is not None
            endpoint = ""
            while not endpoint:
                line = await asyncio.wait_for(browser.stderr.readline(), 30)
                if not line:
                    pytest.fail("chromium exited before its DevTools endpoint was up")
                if found := re.search(rb"DevTools listening on (ws://\S+)", line):
                    endpoint = found[1].decode()
            http_root = "http://" + urlsplit(endpoint).netloc
            async with httpx.AsyncClient() as client:
                targets = (await client.get(f"{http_root}/json/list")).json()
            page = next(t for t in targets if t["type"] == "page")
            async with connect(page["webSocketDebuggerUrl"], max_size=None) as ws:
                tools = _DevTools(ws)
                for domain in ("Page", "Runtime", "Log", "Network"):
                    await tools.call(f"{domain}.enable")
                yield tools, base
                tools.reader.cancel()
        finally:
            browser.kill()
            await browser.wait()


@pytest.mark.asyncio
async def test_docs_pages_load_cleanly_with_working_internal_links(
    chromium: tuple[_DevTools, str],
) -> None:
    tools, base = chromium
    links: set[str] = set()
    for page in PAGES:
        tools.events.clear()
        tools.loaded.clear()
        await tools.call("Page.navigate", url=base + page)
        await asyncio.wait_for(tools.loaded.wait(), 30)
        await asyncio.sleep(0.3)  # late scripts (search index, theme) have run
        assert tools.problems() == [], page
        result = await tools.call("Runtime.evaluate", expression=LINKS, returnByValue=True)
        hrefs = json.loads(result["result"]["value"])
        assert len(hrefs) > 10, f"{page} has almost no links"
        links |= {href for href in hrefs if href.startswith(base)}

    assert any("api/" in link for link in links)
    broken: list[str] = []
    ids: dict[str, set[str]] = {}
    async with httpx.AsyncClient() as client:
        for link in sorted(links):
            url, fragment = urldefrag(link)
            if url not in ids:
                response = await client.get(url, follow_redirects=True)
                if response.status_code != 200:
                    broken.append(f"{response.status_code}: {link}")
                    continue
                parser = _Ids()
                parser.feed(response.text)
                ids[url] = parser.ids
            if fragment and fragment not in ids[url]:
                broken.append(f"no #{fragment} in {urljoin(base, url)}")
    assert broken == []
    assert len(ids) > 20, "the three pages should link to most of the site"
