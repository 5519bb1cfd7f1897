"""Hello world: the smallest aioloom application.

Run it with ``python examples/hello.py``, or through the CLI:
``python -m aioloom.web -P 8080 examples.hello:init_app``.
"""

from aioloom import web


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello, world")


async def greet(request: web.Request) -> web.Response:
    return web.Response(text=f"Hello, {request.match_info['name']}")


def init_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/{name}", greet)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)
