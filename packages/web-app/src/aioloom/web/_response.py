"""Responses."""

from __future__ import annotations

from http import HTTPStatus

from multidict import CIMultiDict

__all__ = ["Response"]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class Response:
    def __init__(
        self,
        *,
        body: bytes | None = None,
        text: str | None = None,
        status: int = 200,
        reason: str | None = None,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
        charset: str | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        self.status = status
        self.reason = reason if reason is not None else _reason(status)
        self.headers: CIMultiDict[str] = CIMultiDict(headers or {})
        self.body = body if body is not None else b""
        if text is not None:
            self._charset = charset or "utf-8"
            self.body = text.encode(self._charset)
            self.headers.setdefault(
                "Content-Type", f"{content_type or 'text/plain'}; charset={self._charset}"
            )
        elif content_type is not None:
            self.headers.setdefault("Content-Type", content_type)

    @property
    def text(self) -> str:
        return self.body.decode(getattr(self, "_charset", "utf-8"))

    @text.setter
    def text(self, value: str) -> None:
        self._charset = "utf-8"
        self.body = value.encode("utf-8")
        self.headers["Content-Type"] = "text/plain; charset=utf-8"
