"""The typed views of a response's headers: cookies, length, type, dates, ETag.

``ResponseFields`` is the half of ``StreamResponse`` that reads and writes
single header fields; the other half (``_stream_response``) sends them.
"""

from __future__ import annotations

import datetime
from http.cookies import SimpleCookie

from multidict import CIMultiDict, istr

from ._cookies import ResponseCookies, del_cookie, set_cookie
from ._headers import (
    ETag,
    etag_from_header,
    etag_header,
    format_http_date,
    parse_content_type,
    parse_http_date,
)

__all__ = ["ResponseFields", "CONTENT_TYPE", "CONTENT_LENGTH"]

CONTENT_TYPE = istr("Content-Type")
CONTENT_LENGTH = istr("Content-Length")


class ResponseFields:
    """Header-field properties of a response (a mixin: ``StreamResponse`` sets these)."""

    _headers: CIMultiDict[str]
    _chunked = False
    _cookies_dict: ResponseCookies | None = None

    @property
    def _cookies(self) -> ResponseCookies:
        cookies = self._cookies_dict
        if cookies is None:
            cookies = self._cookies_dict = ResponseCookies()
        return cookies

    @property
    def cookies(self) -> SimpleCookie:
        return self._cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        set_cookie(
            self._cookies,
            name,
            value,
            expires=expires,
            domain=domain,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
            version=version,
            samesite=samesite,
            partitioned=partitioned,
        )

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        del_cookie(
            self._cookies,
            name,
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    @property
    def content_length(self) -> int | None:
        value = self._headers.get(CONTENT_LENGTH)
        return int(value) if value is not None else None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self._headers.pop(CONTENT_LENGTH, None)
            return
        if self._chunked:
            raise RuntimeError("content length cannot be set for a chunked response")
        self._headers[CONTENT_LENGTH] = str(int(value))

    @property
    def content_type(self) -> str:
        return parse_content_type(self._headers.get(CONTENT_TYPE))[0]

    @content_type.setter
    def content_type(self, value: str) -> None:
        charset = self.charset
        self._headers[CONTENT_TYPE] = f"{value}; charset={charset}" if charset else str(value)

    @property
    def charset(self) -> str | None:
        return parse_content_type(self._headers.get(CONTENT_TYPE))[1].get("charset")

    @charset.setter
    def charset(self, value: str | None) -> None:
        content_type = self.content_type
        if content_type == "application/octet-stream" and value is not None:
            raise RuntimeError("set content_type before charset (not application/octet-stream)")
        self._headers[CONTENT_TYPE] = (
            f"{content_type}; charset={value.lower()}" if value else content_type
        )

    @property
    def last_modified(self) -> datetime.datetime | None:
        return parse_http_date(self._headers.get("Last-Modified"))

    @last_modified.setter
    def last_modified(self, value: int | float | datetime.datetime | str | None) -> None:
        if value is None:
            self._headers.pop("Last-Modified", None)
        elif isinstance(value, str):
            self._headers["Last-Modified"] = value
        else:
            self._headers["Last-Modified"] = format_http_date(value)

    @property
    def etag(self) -> ETag | None:
        return etag_from_header(self._headers.get("ETag"))

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.pop("ETag", None)
        else:
            self._headers["ETag"] = etag_header(value)
