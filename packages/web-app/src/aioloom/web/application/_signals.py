"""Signals: ordered lists of async callbacks that freeze when the app starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, SupportsIndex, TypeVar, overload

__all__ = ["FrozenList", "Signal"]

T = TypeVar("T")


class FrozenList(list[T], Generic[T]):
    """A list that refuses changes once ``freeze()`` was called."""

    _frozen = False

    def freeze(self) -> None:
        self._frozen = True

    @property
    def frozen(self) -> bool:
        return self._frozen

    def _check(self) -> None:
        if self._frozen:
            raise RuntimeError(
                "cannot modify a frozen list: register callbacks before the application starts"
            )

    def append(self, item: T) -> None:
        self._check()
        super().append(item)

    def extend(self, items: Iterable[T]) -> None:
        self._check()
        super().extend(items)

    def insert(self, index: SupportsIndex, item: T) -> None:
        self._check()
        super().insert(index, item)

    def remove(self, item: T) -> None:
        self._check()
        super().remove(item)

    def pop(self, index: SupportsIndex = -1) -> T:
        self._check()
        return super().pop(index)

    def clear(self) -> None:
        self._check()
        super().clear()

    @overload
    def __setitem__(self, index: SupportsIndex, item: T) -> None: ...
    @overload
    def __setitem__(self, index: slice, item: Iterable[T]) -> None: ...
    def __setitem__(self, index: Any, item: Any) -> None:
        self._check()
        super().__setitem__(index, item)

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        self._check()
        super().__delitem__(index)

    def __iadd__(self, items: Iterable[T]) -> FrozenList[T]:  # type: ignore[override,misc]
        self._check()
        super().__iadd__(items)
        return self


class Signal(FrozenList[Callable[..., Awaitable[Any]]]):
    """Callbacks run one after another, in order, by ``send``."""

    def __init__(self, owner: object) -> None:
        super().__init__()
        self._owner = owner

    async def send(self, *args: Any, **kwargs: Any) -> None:
        if not self._frozen:
            raise RuntimeError("a signal is sent only after it was frozen")
        for receiver in self:
            await receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Signal owner={self._owner!r}, frozen={self._frozen}, {list.__repr__(self)}>"
