"""Cleanup contexts: code that sets a resource up at start-up and tears it down at cleanup.

A context is an async generator function (its code after ``yield`` is the
cleanup) or a function returning an async context manager, such as one
decorated with ``@contextlib.asynccontextmanager``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeAlias, TypeVar

from ._signals import FrozenList

__all__ = ["CleanupContext", "CleanupError"]


class CleanupError(RuntimeError):
    """Several cleanups failed; ``exceptions`` holds every one of them."""

    @property
    def exceptions(self) -> list[BaseException]:
        errors: list[BaseException] = self.args[1]
        return errors


A = TypeVar("A")  # the application type (this module sits below Application)
_Exit: TypeAlias = AbstractAsyncContextManager[object] | AsyncIterator[None]


class CleanupContext(
    FrozenList[
        Callable[[A], AsyncIterator[None]] | Callable[[A], AbstractAsyncContextManager[object]]
    ],
    Generic[A],
):
    """Each context's cleanup runs if and only if its start-up succeeded, in reverse."""

    def __init__(self) -> None:
        super().__init__()
        self._exits: list[_Exit] = []

    async def _on_startup(self, app: A) -> None:
        for factory in self:
            context: object = factory(app)  # whatever it is: checked below
            if isinstance(context, AbstractAsyncContextManager):
                await context.__aenter__()
                self._exits.append(context)
            elif isinstance(context, AsyncIterator):
                try:
                    await context.__anext__()
                except StopAsyncIteration:
                    raise RuntimeError(f"{factory!r} has no 'yield'") from None
                self._exits.append(context)
            else:
                if inspect.iscoroutine(context):
                    context.close()  # or Python warns that it was never awaited
                raise TypeError(
                    f"cleanup_ctx takes async generator functions (one 'yield') or functions "
                    f"returning an async context manager; {factory!r} returned "
                    f"{type(context).__name__}"
                )

    async def _on_cleanup(self, app: A) -> None:
        # A CancelledError raised by a context is collected like any error (as
        # aiohttp does) so that the other contexts still clean up.
        errors: list[BaseException] = []
        while self._exits:
            context = self._exits.pop()
            try:
                if isinstance(context, AbstractAsyncContextManager):
                    await context.__aexit__(None, None, None)
                    continue
                await context.__anext__()
            except StopAsyncIteration:
                continue
            except (Exception, asyncio.CancelledError) as exc:
                errors.append(exc)
            else:
                errors.append(RuntimeError(f"{context!r} has more than one 'yield'"))
        if not errors:
            return
        if len(errors) == 1:
            raise errors[0]
        group = CleanupError("Multiple errors on cleanup stage", errors)
        task = asyncio.current_task()
        cancelled = next((e for e in errors if isinstance(e, asyncio.CancelledError)), None)
        if cancelled is not None and task is not None and task.cancelling():
            # This task is being cancelled from outside (a timeout, a task group):
            # that cancellation must propagate, not turn into a CleanupError.
            raise cancelled from group
        raise group
