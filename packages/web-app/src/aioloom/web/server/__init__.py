"""The server runtime: sockets in, handler tasks, responses out.

The connection protocol (parse, queue, run one handler task per request, write,
keep-alive, timeouts, graceful close), ``Server``, runners and sites,
``run_app``, the command line, the Gunicorn workers and the access log. The top
layer: it may import every other layer; none imports it.
"""

__all__: list[str] = []  # private layer: the public names are re-exported by aioloom.web
