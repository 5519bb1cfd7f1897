"""The API reference, generated from each package's ``__all__``.

``.. aioloom-api:: aioloom.web`` expands to one autodoc entry per public name, so a
name added to ``__all__`` appears in the reference without editing a page. A name
that another aioloom package defines is listed with a link to its home page.

Annotations name the module that defines a class (``aioloom.web._request.Request``);
``missing-reference`` maps those private paths to the public name.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any, TypeVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

PACKAGES = (
    "aioloom.http_parser",
    "aioloom.router",
    "aioloom.websocket",
    "aioloom.web",
    "aioloom.testing",
)
_PRIVATE = re.compile(r"^(aioloom\.[a-z_]+)\.(?:_[A-Za-z0-9_]+\.)*_[A-Za-z0-9_]+\.(.+)$")


def public_names(package: str) -> list[str]:
    module = importlib.import_module(package)
    return [name for name in module.__all__ if not name.startswith("__")]


def home_of(obj: object) -> str | None:
    """The public package whose private modules define ``obj``, if it is ours."""
    module = getattr(obj, "__module__", None)
    if not isinstance(module, str):
        return None
    for package in PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return None


def _kind(obj: object) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return "function"
    return "data"


def _entry(package: str, name: str) -> list[str]:
    obj = getattr(importlib.import_module(package), name)
    kind = _kind(obj)
    home = home_of(obj) if kind != "data" else None
    target = f"{package}.{name}"
    if home is not None and home != package:
        directive = {"exception": "exception", "class": "class", "function": "function"}[kind]
        role = {"exception": "exc", "class": "class", "function": "func"}[kind]
        return [
            f".. py:{directive}:: {name}",
            "",
            f"   Re-exported from :py:{role}:`{home}.{getattr(obj, '__name__', name)}`.",
            "",
        ]
    lines = [f".. auto{kind}:: {target}"]
    if kind == "class" or (kind == "exception" and _documents_members(obj)):
        lines += ["   :members:", "   :show-inheritance:"]
    elif kind == "exception":
        lines += ["   :show-inheritance:"]
    return [*lines, ""]


def _documents_members(exc: type[BaseException]) -> bool:
    # The HTTP exception hierarchy shares its base's members; list them once, on the base.
    return not any(
        base.__module__.startswith("aioloom.") and base is not exc and "HTTP" in base.__name__
        for base in exc.__mro__[1:]
    )


class AioloomApi(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        package = self.arguments[0]
        lines = [f".. py:module:: {package}", ""]
        for name in public_names(package):
            lines += _entry(package, name)
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(StringList(lines, source=f"<{package} API>"), 0, container)
        return container.children


def _public_target(target: str) -> str | None:
    match = _PRIVATE.match(target)
    if match is None:
        return None
    package, rest = match.groups()
    head, _, tail = rest.partition(".")
    for public in PACKAGES:
        module = importlib.import_module(public)
        obj = getattr(module, head, None)
        if obj is not None and home_of(obj) == package and head in public_names(public):
            return ".".join(filter(None, [public, head, tail]))
    return None


def _lookup(target: str) -> object:
    module_name, _, name = target.rpartition(".")
    if not module_name.startswith("aioloom."):
        return None
    try:
        return getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None


def _resolve_private(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"]
    public = _public_target(target)
    if public is None:
        # Type variables have no page of their own: show their name as text.
        if isinstance(_lookup(target), TypeVar):
            return contnode
        # Helpers that a public signature names but no __all__ exports; the list
        # is in conf.py so that a new one fails the build until someone decides.
        if target in app.config.aioloom_unexported:
            return contnode
        return None
    domain = env.get_domain("py")
    resolved: nodes.Element | None = domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], public, node, contnode
    )
    return resolved


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("aioloom_unexported", frozenset(), "env")
    app.add_directive("aioloom-api", AioloomApi)
    app.connect("missing-reference", _resolve_private)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
