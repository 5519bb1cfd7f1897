"""Host rules for domain resources: an exact domain or a ``*.example.com`` mask."""

from __future__ import annotations

import fnmatch
import re

from yarl import URL

__all__ = ["Domain", "MaskDomain", "domain_rule"]


class Domain:
    """Matches the request host exactly (case-insensitive); the port only if given."""

    _label = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII)

    def __init__(self, domain: str) -> None:
        self._domain = self._validate(domain)

    def _validate(self, domain: str) -> str:
        if not isinstance(domain, str):
            raise TypeError("domain must be str")
        domain = domain.rstrip(".").lower()
        if not domain:
            raise ValueError("domain cannot be empty")
        if "://" in domain:
            raise ValueError(f"domain {domain!r}: a scheme is not supported")
        try:
            url = URL("http://" + domain)
            host = url.raw_host
            port = url.port
        except ValueError as exc:
            raise ValueError(f"domain {domain!r} is not valid: {exc}") from None
        if not host or url.raw_path not in ("", "/") or url.query_string or url.user:
            raise ValueError(f"domain {domain!r} is not valid")
        if not all(self._label.fullmatch(label) for label in host.split(".")):
            raise ValueError(f"domain {domain!r} is not valid")
        return host if port == 80 else f"{host}:{port}"

    @property
    def canonical(self) -> str:
        return self._domain

    def match(self, host: str) -> bool:
        host = host.lower()
        return host == self._domain or host.partition(":")[0] == self._domain

    def match_domain(self, host: str) -> bool:
        """aiohttp's name for ``match``."""
        return self.match(host)

    def get_info(self) -> dict[str, object]:
        return {"domain": self._domain}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._domain}>"


class MaskDomain(Domain):
    """``*.example.com``: ``*`` matches any characters of the host name."""

    _label = re.compile(r"(?!-)[a-z0-9*-]{1,63}(?<!-)", re.ASCII)

    def __init__(self, domain: str) -> None:
        super().__init__(domain)
        mask, _, self._port = self._domain.partition(":")
        self._mask = re.compile(fnmatch.translate(mask), re.IGNORECASE)

    def match(self, host: str) -> bool:
        name, _, port = host.partition(":")
        if self._port and port != self._port:
            return False
        return self._mask.match(name) is not None


def domain_rule(domain: str) -> Domain:
    """A MaskDomain when ``domain`` has a ``*``, else a Domain."""
    return MaskDomain(domain) if "*" in domain else Domain(domain)
