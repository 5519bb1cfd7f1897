"""The static resource: matching, safe resolution, URL building, and the advisories.

Every static-files line of SECURITY-CHECKLIST.md has a test named after its ID.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from yarl import URL

from aioloom.router import (
    MatchInfo,
    Routable,
    StaticOutcome,
    StaticResource,
    StaticTarget,
    UrlDispatcher,
)

NOT_FOUND = StaticTarget(StaticOutcome.NOT_FOUND)
FORBIDDEN = StaticTarget(StaticOutcome.FORBIDDEN)


def sync_resolve(router: UrlDispatcher[str], request: Routable) -> MatchInfo[str]:
    """What ``await router.resolve(request)`` answers, the way a server asks."""
    return router.resolve_parts(request, request.method, request.rel_url.raw_path)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/root (served) with files, a subdir, links; tmp/secret.txt outside."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "index.txt").write_text("index")
    (root / "sub" / "page.txt").write_text("page")
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "outside_dir").mkdir()
    (tmp_path / "outside_dir" / "x.txt").write_text("x")
    (root / "link_in").symlink_to(root / "sub" / "page.txt")
    (root / "link_out").symlink_to(tmp_path / "secret.txt")
    (root / "dir_out").symlink_to(tmp_path / "outside_dir")
    return root


def make(root: Path, **kwargs: bool) -> tuple[UrlDispatcher[str], StaticResource[str]]:
    router: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "serve")
    resource = router.add_static("/static", root, name="static", **kwargs)
    return router, resource


def test_add_static_needs_a_handler_factory(tree: Path) -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    with pytest.raises(RuntimeError, match="static_handler_factory"):
        router.add_static("/static", tree)


def test_static_directory_must_exist(tmp_path: Path) -> None:
    router: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "s")
    with pytest.raises(ValueError, match="does not exist"):
        router.add_static("/s", tmp_path / "missing")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="not a directory"):
        router.add_static("/s", tmp_path / "file")


def test_matching_gives_the_decoded_filename(tree: Path) -> None:
    router, resource = make(tree)
    match = router.resolve_path("GET", "/static/sub/page%20x.txt")
    assert match.handler == "serve"
    assert dict(match) == {"filename": "sub/page x.txt"}
    assert match.route is not None
    assert match.route.resource is resource
    assert router.resolve_path("HEAD", "/static/a").handler == "serve"
    post = router.resolve_path("POST", "/static/a")
    assert post.http_status == 405
    assert post.allowed_methods == {"GET", "HEAD"}
    assert router.resolve_path("GET", "/staticx").http_status == 404
    assert router.resolve_path("GET", "/static/../x").http_status == 404
    resource.set_options_route("options")
    assert router.resolve_path("OPTIONS", "/static/a").handler == "options"


def test_resolve_file_outcomes(tree: Path) -> None:
    _, resource = make(tree)
    found = resource.resolve_file("sub/page.txt")
    assert found.outcome is StaticOutcome.FILE
    assert found.path == tree.resolve() / "sub" / "page.txt"
    assert found.status == 200
    assert resource.resolve_file("nope.txt") == NOT_FOUND
    assert resource.resolve_file("sub") == FORBIDDEN
    assert resource.resolve_file("") == FORBIDDEN
    assert FORBIDDEN.status == 403
    assert NOT_FOUND.status == 404
    assert resource.resolve_file("link_in").outcome is StaticOutcome.FILE


def test_show_index_lists_the_directory(tree: Path) -> None:
    _, resource = make(tree, show_index=True)
    listing = resource.resolve_file("sub")
    assert listing.outcome is StaticOutcome.DIRECTORY_INDEX
    assert listing.path is not None
    entries = resource.index_entries(listing.path)
    assert [(e.name, e.url) for e in entries] == [("page.txt", "/static/sub/page.txt")]
    root_entries = {e.name for e in resource.index_entries(tree.resolve())}
    # links leading out of the root are not listed (they could not be served)
    assert root_entries == {"index.txt", "link_in", "sub/"}


def test_special_files_are_not_served(tree: Path) -> None:
    os.mkfifo(tree / "fifo")
    _, resource = make(tree)
    assert resource.resolve_file("fifo") == FORBIDDEN  # 403, as aiohttp answers
    assert "fifo" not in {e.name for e in resource.index_entries(tree.resolve())}


def test_url_for_and_append_version(tree: Path) -> None:
    _, resource = make(tree)
    assert resource.url_for(filename="sub/page x.txt") == URL("/static/sub/page%20x.txt")
    assert resource.url_for(filename="/index.txt") == URL("/static/index.txt")
    versioned = resource.url_for(filename="index.txt", append_version=True)
    assert versioned.path == "/static/index.txt"
    first = versioned.query["v"]
    assert len(first) == 44  # urlsafe base64 of a sha256
    assert resource.url_for(filename="index.txt", append_version=True).query["v"] == first
    (tree / "index.txt").write_text("changed and longer")
    changed = resource.url_for(filename="index.txt", append_version=True).query["v"]
    assert changed != first
    # nothing to hash: no version, no error, no leak
    assert resource.url_for(filename="nope.txt", append_version=True).query == {}
    assert resource.url_for(filename="link_out", append_version=True).query == {}
    _, default_on = make(tree, append_version=True)
    assert "v" in default_on.url_for(filename="index.txt").query
    assert "v" not in default_on.url_for(filename="index.txt", append_version=False).query


def test_url_for_needs_filename(tree: Path) -> None:
    router, _ = make(tree)
    with pytest.raises(KeyError):
        router["static"].url_for()


def test_static_at_root_prefix(tree: Path) -> None:
    router: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "serve")
    router.add_get("/api", "api")
    resource = router.add_static("/", tree)
    assert router.resolve_path("GET", "/api").handler == "api"
    assert dict(router.resolve_path("GET", "/index.txt")) == {"filename": "index.txt"}
    assert resource.url_for(filename="index.txt") == URL("/index.txt")


def test_static_under_a_prefixed_router(tree: Path) -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    sub: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "serve")
    resource = sub.add_static("/files", tree)
    root.add_prefixed_router("/app", sub, owner="sub")
    match = root.resolve_path("GET", "/app/files/index.txt")
    assert dict(match) == {"filename": "index.txt"}
    assert resource.url_for(filename="index.txt") == URL("/app/files/index.txt")


# -- SECURITY-CHECKLIST.md: static files -------------------------------------------------

TRAVERSALS = [
    "../secret.txt",
    "sub/../../secret.txt",
    "..",
    "sub/../..",
    "/etc/passwd",
    "//etc/passwd",
    "..\\secret.txt",
    "sub\\..\\..\\secret.txt",
    "index.txt\x00.png",
    "\x00",
]


@pytest.mark.parametrize("follow_symlinks", [False, True])
@pytest.mark.parametrize("filename", TRAVERSALS)
def test_GHSA_5h86_8mv2_jq9f_no_traversal_outside_the_root(
    tree: Path, filename: str, follow_symlinks: bool
) -> None:
    _, resource = make(tree, follow_symlinks=follow_symlinks)
    assert resource.resolve_file(filename) == NOT_FOUND


@pytest.mark.parametrize(
    "target",
    [
        "/static/../secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/sub/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/static/..%2Fsecret.txt",
        "/static/sub%2F..%2F..%2Fsecret.txt",
        "/static/%2e%2e%5csecret.txt",
        "/static/index.txt%00.png",
    ],
)
def test_GHSA_5h86_8mv2_jq9f_percent_encoded_traversal_end_to_end(tree: Path, target: str) -> None:
    router, resource = make(tree, follow_symlinks=True)
    match = sync_resolve(router, _Req("GET", target))
    if match.http_status == 200:  # matched the static resource: the filename must not escape
        assert resource.resolve_file(match["filename"]) == NOT_FOUND
    else:
        assert match.http_status == 404


def test_GHSA_5h86_8mv2_jq9f_symlinks_out_only_with_follow_symlinks(tree: Path) -> None:
    _, strict = make(tree)
    assert strict.resolve_file("link_out") == NOT_FOUND
    assert strict.resolve_file("dir_out/x.txt") == NOT_FOUND
    _, follow = make(tree, follow_symlinks=True)
    assert follow.resolve_file("link_out").outcome is StaticOutcome.FILE
    assert follow.resolve_file("dir_out/x.txt").outcome is StaticOutcome.FILE
    # ...but the request itself still cannot walk out through a followed link
    assert follow.resolve_file("dir_out/../../secret.txt") == NOT_FOUND
    assert follow.resolve_file("dir_out/../index.txt") == NOT_FOUND


def test_GHSA_5h86_8mv2_jq9f_symlink_loops_are_not_found(tree: Path) -> None:
    (tree / "loop_a").symlink_to(tree / "loop_b")
    (tree / "loop_b").symlink_to(tree / "loop_a")
    for follow in (False, True):
        _, resource = make(tree, follow_symlinks=follow)
        assert resource.resolve_file("loop_a") == NOT_FOUND


def test_GHSA_54jq_c3m8_4m76_same_result_outside_root_and_missing(tree: Path) -> None:
    _, resource = make(tree)
    outside = resource.resolve_file("../secret.txt")
    via_link = resource.resolve_file("link_out")
    missing = resource.resolve_file("does-not-exist.txt")
    missing_outside = resource.resolve_file("../does-not-exist.txt")
    assert outside == via_link == missing == missing_outside == NOT_FOUND
    assert outside.path is None


@pytest.mark.parametrize(
    "filename",
    [
        "\\\\host\\share\\file.txt",
        "//host/share/file.txt",
        "C:",
        "C:\\Windows\\win.ini",
        "C:/Windows/win.ini",
        "c:secret.txt",
        "\\\\?\\C:\\x",
    ],
)
def test_GHSA_p998_jp59_783m_windows_unc_and_drive_paths_are_never_resolved(
    tree: Path, filename: str
) -> None:
    for follow in (False, True):
        _, resource = make(tree, follow_symlinks=follow)
        assert resource.resolve_file(filename) == NOT_FOUND


def test_GHSA_7gpw_8wmc_pm8g_show_index_escapes_every_name(tree: Path) -> None:
    evil = '<img src=x onerror="alert(1)">&.txt'
    (tree / "sub" / evil).write_text("x")
    (tree / "sub" / "<script>").mkdir()
    _, resource = make(tree, show_index=True)
    listing = resource.resolve_file("sub")
    assert listing.path is not None
    page = resource.index_html(listing.path)
    assert "<img" not in page
    assert "<script>" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;.txt" in page
    assert "&lt;script&gt;/" in page
    assert "<title>Index of /sub</title>" in page


def test_GHSA_jwhx_xcg6_8xhj_precompressed_variants_are_checked_like_the_file(
    tree: Path, tmp_path: Path
) -> None:
    (tree / "app.js").write_text("js")
    (tree / "app.js.br").write_bytes(b"br")
    (tmp_path / "evil.gz").write_bytes(b"evil")
    (tree / "app.js.gz").symlink_to(tmp_path / "evil.gz")
    _, resource = make(tree)
    assert resource.compressed_variants("app.js") == {"br": tree.resolve() / "app.js.br"}
    assert resource.compressed_variants("../secret.txt") == {}


def test_GHSA_v6wp_4m6f_gcjg_is_web_apps_normalize_path_middleware() -> None:
    # normalize_path_middleware lives in web-app; the router's part is that a path
    # starting with '//' is just a path: it never becomes a host.
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/{x}", "x")
    assert router.resolve_path("GET", "//evil.example").http_status == 404


class _Req:
    def __init__(self, method: str, target: str) -> None:
        self.method = method
        self.rel_url = URL(target)
