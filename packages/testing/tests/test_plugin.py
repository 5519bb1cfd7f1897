"""The plugin as a user sees it: test files run by pytest with our entry point.

Every scenario runs in a subprocess under pytest-asyncio's strict and auto
modes; the loop-scope scenario also runs with a module-scoped loop.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

MODES = {
    "strict": ("-o", "asyncio_mode=strict"),
    "auto": ("-o", "asyncio_mode=auto"),
}


@pytest.fixture(params=sorted(MODES))
def asyncio_mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


def run(pytester: pytest.Pytester, mode: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        *MODES[mode],
        *args,
    )


# In strict mode tests need the marker; in auto mode it is harmless, so the
# same files serve both modes.
USER_TESTS = """
import pytest
from aioloom import web

async def hello(request):
    return web.Response(text="hi " + request.match_info["who"])

def make_app():
    app = web.Application()
    app.router.add_get("/{who}", hello)
    return app

async def make_app_async():
    return make_app()

@pytest.mark.asyncio
async def test_with_factory(aioloom_client):
    client = await aioloom_client(make_app)
    response = await client.get("/you")
    assert response.status == 200
    assert await response.text() == "hi you"

@pytest.mark.asyncio
async def test_with_async_factory_and_app(aioloom_client):
    client = await aioloom_client(make_app_async)
    assert await (await client.get("/a")).text() == "hi a"
    other = await aioloom_client(make_app())
    assert (await other.get("/a/b")).status == 404
    assert other.server.port != client.server.port

@pytest.mark.asyncio
async def test_in_process_through_server_kwargs(aioloom_client):
    client = await aioloom_client(make_app, server_kwargs={"in_process": True})
    assert client.server.port is None
    assert await (await client.get("/mem")).text() == "hi mem"

@pytest.mark.asyncio
async def test_server_fixture(aioloom_server, aioloom_client):
    server = await aioloom_server(make_app())
    assert server.host == "127.0.0.1" and server.port
    client = await aioloom_client(server)
    assert await (await client.get("/srv")).text() == "hi srv"

@pytest.mark.asyncio
async def test_raw_server_fixture(aioloom_raw_server, aioloom_client):
    async def handler(request):
        return web.Response(text="raw " + request.path)
    server = await aioloom_raw_server(handler)
    client = await aioloom_client(server)
    assert await (await client.get("/x")).text() == "raw /x"

@pytest.mark.asyncio
async def test_server_on_chosen_port(aioloom_server, aioloom_unused_port):
    port = aioloom_unused_port()
    server = await aioloom_server(make_app(), port=port)
    assert server.port == port

@pytest.mark.asyncio
async def test_fails_visibly(aioloom_client):
    client = await aioloom_client(make_app)
    assert (await client.get("/x")).status == 418
"""


def test_fixtures_in_both_modes(pytester: pytest.Pytester, asyncio_mode: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = run(pytester, asyncio_mode)
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(["*assert 200 == 418*"])


def test_auto_mode_needs_no_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
from aioloom import web

async def test_plain_coroutine(aioloom_client):
    client = await aioloom_client(web.Application())
    assert (await client.get("/")).status == 404
"""
    )
    run(pytester, "auto").assert_outcomes(passed=1)


LIFECYCLE_TESTS = """
import pytest
from aioloom import web

EVENTS = []

async def on_startup(app):
    EVENTS.append("startup")

async def on_shutdown(app):
    EVENTS.append("shutdown")

async def on_cleanup(app):
    EVENTS.append("cleanup")

async def ctx(app):
    EVENTS.append("ctx-enter")
    yield
    EVENTS.append("ctx-exit")

def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    app.cleanup_ctx.append(ctx)
    return app

@pytest.mark.asyncio
async def test_passes(aioloom_client):
    await aioloom_client(make_app)
    assert EVENTS == ["ctx-enter", "startup"]

def test_after_pass():
    assert EVENTS == ["ctx-enter", "startup", "shutdown", "ctx-exit", "cleanup"]
    EVENTS.clear()

@pytest.mark.asyncio
async def test_fails(aioloom_client):
    await aioloom_client(make_app)
    raise AssertionError("the test failed")

def test_after_failure():
    assert EVENTS == ["ctx-enter", "startup", "shutdown", "ctx-exit", "cleanup"]
"""


def test_startup_before_and_cleanup_after_even_on_failure(
    pytester: pytest.Pytester, asyncio_mode: str
) -> None:
    pytester.makepyfile(test_user=LIFECYCLE_TESTS)
    result = run(pytester, asyncio_mode, "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: the test failed*"])


FAILING_HANDLER = """
import pytest
from aioloom import web

def compute(request):
    return {}["missing-key-in-handler"]

async def broken(request):
    return web.json_response(compute(request))

@pytest.mark.asyncio
async def test_broken_handler(aioloom_client):
    app = web.Application()
    app.router.add_get("/", broken)
    client = await aioloom_client(app)
    response = await client.get("/")
    assert response.status == 200, await response.text()
"""


def test_failing_handler_traceback_is_in_the_report(
    pytester: pytest.Pytester, asyncio_mode: str
) -> None:
    pytester.makepyfile(test_user=FAILING_HANDLER)
    result = run(pytester, asyncio_mode)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Captured log call*",
            "*Error handling request GET /*",
            "Traceback (most recent call last):",
            "*in broken*",
            "*in compute*",
            "KeyError: 'missing-key-in-handler'",
        ]
    )


FAQ_PATTERN = """
import asyncio
from unittest import mock

import pytest
from aioloom import web


class Accountant:
    '''A service that needs the running loop: it makes loop objects at creation.'''

    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.lock = asyncio.Lock()
        self.balance_future = self.loop.create_future()
        self.balance_future.set_result(100)

    async def balance(self, user):
        async with self.lock:
            return await self.balance_future


ACCOUNTANT = web.AppKey("accountant", Accountant)


async def start_accountant(app):
    app[ACCOUNTANT] = Accountant()


async def balance(request):
    accountant = request.app[ACCOUNTANT]
    return web.json_response({"balance": await accountant.balance(request.match_info["user"])})


def make_app(accountant=None):
    app = web.Application()
    if accountant is None:
        app.on_startup.append(start_accountant)
    else:
        app[ACCOUNTANT] = accountant
    app.router.add_get("/{user}", balance)
    return app


@pytest.mark.asyncio
async def test_service_made_in_the_test_loop(aioloom_client):
    client = await aioloom_client(make_app)
    assert await (await client.get("/ada")).json() == {"balance": 100}
    assert client.app[ACCOUNTANT].loop is asyncio.get_running_loop()


@pytest.mark.asyncio
async def test_patched_method(aioloom_client):
    client = await aioloom_client(make_app)
    with mock.patch.object(Accountant, "balance", mock.AsyncMock(return_value=7)) as patched:
        assert await (await client.get("/bob")).json() == {"balance": 7}
    patched.assert_awaited_once_with("bob")


@pytest.mark.asyncio
async def test_patched_class_before_startup(aioloom_client):
    fake = mock.Mock(spec=Accountant)
    fake.balance = mock.AsyncMock(return_value=-1)
    with mock.patch(__name__ + ".Accountant", return_value=fake):
        client = await aioloom_client(make_app)
    assert await (await client.get("/eve")).json() == {"balance": -1}


@pytest.fixture
def accountant_factory():
    return Accountant


@pytest.mark.asyncio
async def test_injected_service(aioloom_client, accountant_factory):
    client = await aioloom_client(lambda: make_app(accountant_factory()))
    assert await (await client.get("/x")).json() == {"balance": 100}
"""


def test_faq_pattern_patching_a_loop_bound_service(
    pytester: pytest.Pytester, asyncio_mode: str
) -> None:
    pytester.makepyfile(test_user=FAQ_PATTERN)
    run(pytester, asyncio_mode).assert_outcomes(passed=4)


MODULE_LOOP = """
import asyncio
import pytest
import pytest_asyncio
from aioloom import web
from aioloom.testing import TestClient, TestServer

pytestmark = pytest.mark.asyncio(loop_scope="module")
LOOPS = []
HITS = web.AppKey("hits", list)

async def hit(request):
    request.app[HITS].append(request.path)
    return web.Response(text=str(len(request.app[HITS])))

def make_app():
    app = web.Application()
    app[HITS] = []
    app.router.add_get("/{n}", hit)
    return app

@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_client():
    async with TestClient(TestServer(make_app())) as client:
        yield client

async def test_one(aioloom_client, shared_client):
    LOOPS.append(asyncio.get_running_loop())
    client = await aioloom_client(make_app)
    assert await (await client.get("/a")).text() == "1"
    assert await (await shared_client.get("/a")).text() == "1"

async def test_two(aioloom_client, shared_client):
    LOOPS.append(asyncio.get_running_loop())
    client = await aioloom_client(make_app)
    assert await (await client.get("/b")).text() == "1"
    assert await (await shared_client.get("/b")).text() == "2"
    assert LOOPS[0] is LOOPS[1]
"""


def test_module_loop_scope(pytester: pytest.Pytester, asyncio_mode: str) -> None:
    pytester.makepyfile(test_user=MODULE_LOOP)
    result = run(pytester, asyncio_mode, "-o", "asyncio_default_fixture_loop_scope=module")
    result.assert_outcomes(passed=2)


def test_loop_scope_mismatch_is_explained(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest
from aioloom import web

@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop_function_fixture(aioloom_client):
    await aioloom_client(web.Application())
"""
    )
    result = run(pytester, "strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*set asyncio_default_fixture_loop_scope to the test's*"])


def test_fixture_protocols_type_check() -> None:
    from aioloom.testing import (
        AioloomClient,
        AioloomRawServer,
        AioloomServer,
        AioloomUnusedPort,
        plugin,
    )

    assert {"aioloom_client", "aioloom_server", "aioloom_raw_server", "aioloom_unused_port"} <= set(
        plugin.__all__
    )
    for proto in (AioloomClient, AioloomServer, AioloomRawServer, AioloomUnusedPort):
        assert "__call__" in vars(proto)


def test_ini_option_turns_in_process_mode_on(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest
from aioloom import web

async def hello(request):
    return web.Response(text="in memory")

@pytest.mark.asyncio
async def test_no_socket(aioloom_client, aioloom_server):
    app = web.Application()
    app.router.add_get("/", hello)
    client = await aioloom_client(app)
    assert client.server.in_process and client.port is None
    assert await (await client.get("/")).text() == "in memory"
    assert (await aioloom_server(web.Application())).in_process

@pytest.mark.asyncio
async def test_socket_on_request(aioloom_client):
    client = await aioloom_client(web.Application(), server_kwargs={"in_process": False})
    assert client.port
"""
    )
    run(pytester, "strict", "-o", "aioloom_in_process=true").assert_outcomes(passed=2)
