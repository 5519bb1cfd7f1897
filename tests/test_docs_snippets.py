"""Every Python snippet of the documentation runs here.

How a page is tested:

- Every ``.. code-block:: python`` runs, in order, in one namespace per page, so a
  later block may use what an earlier one defined. Top-level ``await`` and
  ``async with`` are allowed; ``if __name__ == "__main__":`` blocks do not run.
- An rST comment ``.. hidden:`` followed by an indented block is code the reader
  does not see: set-up before a snippet, or the assertions that check it after.
  Hidden code has ``start_client(app)`` (a started, in-process test client that is
  closed when the page ends) and ``ROOT`` (the repository) in scope.
- ``.. snippet: pytest`` just before a code block also runs that block as a test
  file under pytest in a subprocess: it must pass, with at least one test.
- ``.. snippet: fresh`` starts a new namespace for the next block.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import TestClient, TestServer

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_BLOCK = re.compile(r"^(?P<indent>[ ]*)\.\. (?P<kind>code-block:: python|hidden:)\s*$")
_MODE = re.compile(r"^[ ]*\.\. snippet: (?P<mode>pytest|fresh)\s*$")


@dataclass(frozen=True, slots=True)
class Snippet:
    page: Path
    line: int  # 1-based line of the directive
    code: str
    hidden: bool
    modes: frozenset[str]

    @property
    def where(self) -> str:
        page = self.page.relative_to(DOCS) if self.page.is_relative_to(DOCS) else self.page
        return f"{page}:{self.line}"


def _body(lines: list[str], start: int, indent: int) -> tuple[str, int]:
    """The indented block after line ``start``; returns it dedented and the next index."""
    body: list[str] = []
    i = start + 1
    # Directive options (":caption: ...") come first, then a blank line.
    while i < len(lines) and lines[i].strip().startswith(":") and lines[i].strip() != ":":
        i += 1
    while i < len(lines):
        line = lines[i]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            break
        body.append(line)
        i += 1
    text = [line.rstrip() for line in body]
    while text and not text[0]:
        text.pop(0)
    while text and not text[-1]:
        text.pop()
    margin = min((len(t) - len(t.lstrip(" ")) for t in text if t), default=0)
    return "\n".join(t[margin:] for t in text) + "\n", i


def snippets(page: Path) -> list[Snippet]:
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Snippet] = []
    modes: set[str] = set()
    i = 0
    while i < len(lines):
        mode = _MODE.match(lines[i])
        if mode:
            modes.add(mode["mode"])
            i += 1
            continue
        block = _BLOCK.match(lines[i])
        if block is None:
            if lines[i].strip():
                modes.clear()  # a mode applies only to the block right after it
            i += 1
            continue
        code, after = _body(lines, i, len(block["indent"]))
        hidden = block["kind"] == "hidden:"
        found.append(Snippet(page, i + 1, code, hidden, frozenset(modes)))
        modes.clear()
        i = after
    return found


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.rst") if "_build" not in p.parts)


def _compile(snippet: Snippet) -> CodeType:
    # Line numbers in tracebacks point into the .rst page.
    source = "\n" * snippet.line + snippet.code
    return compile(
        source, str(snippet.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )


class _Clients:
    """``start_client(app)`` for hidden code; every client is closed when the page ends."""

    def __init__(self) -> None:
        self.open: list[TestClient] = []

    async def start(self, app: web.Application, **server_kwargs: Any) -> TestClient:
        server_kwargs.setdefault("in_process", True)
        client = TestClient(TestServer(app, **server_kwargs))
        await client.start_server()
        self.open.append(client)
        return client

    async def close(self) -> None:
        while self.open:
            await self.open.pop().close()


async def _run_page(page: Path, pytester: pytest.Pytester) -> int:
    clients = _Clients()
    fresh: dict[str, Any] = {"__name__": "__snippet__"}
    namespace = dict(fresh)
    ran = 0
    try:
        for snippet in snippets(page):
            if "fresh" in snippet.modes:
                namespace = dict(fresh)
            if snippet.hidden:
                namespace.update(start_client=clients.start, ROOT=ROOT)
            try:
                result = eval(_compile(snippet), namespace)  # noqa: S307 - our own docs
                if inspect.iscoroutine(result):
                    await result
            except Exception as exc:
                raise AssertionError(f"snippet at {snippet.where} failed: {exc!r}") from exc
            if "pytest" in snippet.modes:
                _run_under_pytest(snippet, pytester)
            ran += 1
    finally:
        await clients.close()
    return ran


def _run_under_pytest(snippet: Snippet, pytester: pytest.Pytester) -> None:
    name = f"test_{snippet.page.stem}_{snippet.line}"
    pytester.makepyfile(**{name: snippet.code})
    result = pytester.runpytest_subprocess(
        f"{name}.py", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, f"{snippet.where}: {result.stdout.str()}"
    assert set(outcomes) <= {"passed", "warnings"}, f"{snippet.where}: {result.stdout.str()}"


@pytest.mark.parametrize(
    "page", [p for p in pages() if snippets(p)], ids=lambda p: str(p.relative_to(DOCS))
)
@pytest.mark.asyncio
async def test_page_snippets_run(
    page: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Snippets may import the repository's examples package, in here and under pytest.
    # (Not syspath_prepend: it calls into pkg_resources, which another test shims.)
    monkeypatch.setattr(sys, "path", [str(ROOT), *sys.path])
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    assert await _run_page(page, pytester) >= 1


def test_the_reader_finds_every_python_block() -> None:
    # A block the parser missed would go untested: count directives independently.
    for page in pages():
        text = page.read_text(encoding="utf-8")
        expected = len(re.findall(r"^\s*\.\. (?:code-block:: python|hidden:)\s*$", text, re.M))
        assert len(snippets(page)) == expected, page
        assert "code-block:: py\n" not in text, page
        assert "code-block:: pycon" not in text, page


@pytest.mark.asyncio
async def test_a_failing_snippet_fails_the_page(tmp_path: Path, pytester: pytest.Pytester) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        "T\n=\n\n.. code-block:: python\n\n   x = 1\n\n.. hidden:\n\n   assert x == 2\n"
    )
    with pytest.raises(AssertionError, match=r"page.rst:8"):
        await _run_page(page, pytester)


@pytest.mark.asyncio
async def test_hidden_code_reaches_a_client_and_shares_the_namespace(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    page = tmp_path / "page.rst"
    page.write_text(
        "T\n=\n\n.. code-block:: python\n\n"
        "   from aioloom import web\n\n"
        "   async def hi(request):\n"
        "       return web.Response(text='hi')\n\n"
        "   app = web.Application()\n"
        "   app.router.add_get('/', hi)\n\n"
        "   if __name__ == '__main__':\n"
        "       raise SystemExit('must not run')\n\n"
        ".. hidden:\n\n"
        "   client = await start_client(app)\n"
        "   assert await (await client.get('/')).text() == 'hi'\n"
    )
    assert await _run_page(page, pytester) == 2
