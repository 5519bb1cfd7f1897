"""TestServer: an application served on 127.0.0.1 on a free port."""

from __future__ import annotations

from types import TracebackType

from yarl import URL

from aioloom.web import Application, AppRunner, TCPSite

__all__ = ["TestServer"]


class TestServer:
    __test__ = False  # not a pytest test class

    def __init__(self, app: Application, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: AppRunner | None = None

    async def start_server(self) -> None:
        if self._runner is not None:
            return
        self._runner = AppRunner(self.app)
        await self._runner.setup()
        site = TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def make_url(self, path: str) -> URL:
        return URL.build(scheme="http", host=self.host, port=self.port).join(URL(path))

    async def close(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> TestServer:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
