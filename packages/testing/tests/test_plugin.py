"""The plugin as a user sees it: a test file run by pytest with our entry point."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest
from aioloom import web

async def hello(request):
    return web.Response(text="hi " + request.match_info["who"])

def make_app():
    app = web.Application()
    app.router.add_get("/{who}", hello)
    return app

@pytest.mark.asyncio
async def test_with_factory(aioloom_client):
    client = await aioloom_client(make_app)
    response = await client.get("/you")
    assert response.status == 200
    assert await response.text() == "hi you"

@pytest.mark.asyncio
async def test_with_app(aioloom_client):
    client = await aioloom_client(make_app())
    assert (await client.get("/a/b")).status == 404

@pytest.mark.asyncio
async def test_fails_visibly(aioloom_client):
    client = await aioloom_client(make_app)
    assert (await client.get("/x")).status == 418
"""


def test_fixture_is_registered_by_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*assert 200 == 418*"])


def test_startup_and_cleanup_run_around_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest
from aioloom import web

EVENTS = []

async def on_startup(app):
    EVENTS.append("startup")

async def on_cleanup(app):
    EVENTS.append("cleanup")

def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app

@pytest.mark.asyncio
async def test_uses_app(aioloom_client):
    await aioloom_client(make_app)
    assert EVENTS == ["startup"]

def test_after():
    assert EVENTS == ["startup", "cleanup"]
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
