"""aioloom.router: the URL dispatcher, generic over the handler type."""

from .__about__ import __version__
from ._dispatcher import UrlDispatcher
from ._match import MatchInfo
from ._protocols import Routable
from ._routes import Resource, Route

__all__ = ["__version__", "UrlDispatcher", "MatchInfo", "Resource", "Route", "Routable"]
