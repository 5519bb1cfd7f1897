"""The Application and what runs inside it: routing, middlewares, signals, views.

``Application`` with typed state, sub-apps and its lifecycle (signals and
cleanup contexts), ``Request`` (a ``BaseRequest`` bound to its app and route),
the router specialised to web handlers, the static route, dispatch (Expect,
404/405, the middleware chain) and class-based views. It may import ``http``,
``files`` and ``bodies``; never the server runtime, which calls it through
``Application._handle``.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
