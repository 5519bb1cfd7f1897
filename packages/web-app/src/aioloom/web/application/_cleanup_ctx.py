"""Cleanup contexts: async generators whose code after ``yield`` is the cleanup."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Generic, TypeVar

from ._signals import FrozenList

__all__ = ["CleanupContext", "CleanupError"]


class CleanupError(RuntimeError):
    """Several cleanups failed; ``exceptions`` holds every one of them."""

    @property
    def exceptions(self) -> list[BaseException]:
        errors: list[BaseException] = self.args[1]
        return errors


A = TypeVar("A")  # the application type (this module sits below Application)


class CleanupContext(FrozenList[Callable[[A], AsyncIterator[None]]], Generic[A]):
    """Each context's cleanup runs if and only if its start-up succeeded, in reverse."""

    def __init__(self) -> None:
        super().__init__()
        self._exits: list[AsyncIterator[None]] = []

    async def _on_startup(self, app: A) -> None:
        for factory in self:
            iterator = factory(app).__aiter__()
            try:
                await iterator.__anext__()
            except StopAsyncIteration:
                raise RuntimeError(f"{factory!r} has no 'yield'") from None
            self._exits.append(iterator)

    async def _on_cleanup(self, app: A) -> None:
        errors: list[BaseException] = []
        while self._exits:
            iterator = self._exits.pop()
            try:
                await iterator.__anext__()
            except StopAsyncIteration:
                continue
            except Exception as exc:
                errors.append(exc)
            else:
                errors.append(RuntimeError(f"{iterator!r} has more than one 'yield'"))
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise CleanupError("Multiple errors on cleanup stage", errors)
