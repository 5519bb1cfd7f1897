"""The answer the server makes for a handler's failure: 500 (or 504), as aiohttp makes it.

HTML when the client accepts ``text/html``, plain text otherwise; the traceback
only in debug mode (the app's ``debug`` or the loop's), never otherwise.
"""

from __future__ import annotations

import traceback
from html import escape
from http import HTTPStatus

from ..http._response import Response

__all__ = ["error_page"]


def error_page(status: int, accept: str, exc: BaseException | None, debug: bool) -> Response:
    """A fresh response that closes the connection."""
    phrase = HTTPStatus(status)
    title = f"{phrase.value} {phrase.phrase}"
    message = phrase.description
    trace = "".join(traceback.format_exception(exc)) if debug and exc is not None else None
    if "text/html" in accept:
        if trace is not None:
            message = f"<h2>Traceback:</h2>\n<pre>{escape(trace)}</pre>"
        text = (
            f"<html><head><title>{title}</title></head><body>\n"
            f"<h1>{title}</h1>\n{message}\n</body></html>\n"
        )
        response = Response(status=status, text=text, content_type="text/html")
    else:
        text = f"{title}\n\n{trace if trace is not None else message}"
        response = Response(status=status, text=text, content_type="text/plain")
    response.force_close()
    return response
