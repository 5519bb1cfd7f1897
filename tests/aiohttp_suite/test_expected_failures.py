"""tools/aiohttp_suite.py on made-up harness results, and the committed list's shape."""

from __future__ import annotations

import stat
import textwrap
import time
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest

PASS, SKIP = "pass", "skip"


def _junit(cases: list[tuple[str, str, str]]) -> str:
    """xunit2 XML as pytest writes it: (classname, name, pass|skip|failure:msg|error:msg)."""
    body = []
    for classname, name, outcome in cases:
        attrs = f'classname={quoteattr(classname)} name={quoteattr(name)} time="0.01"'
        if outcome == PASS:
            body.append(f"<testcase {attrs} />")
        elif outcome == SKIP:
            body.append(f'<testcase {attrs}><skipped type="pytest.skip" message="no" /></testcase>')
        else:
            tag, message = outcome.split(":", 1)
            body.append(
                f"<testcase {attrs}><{tag} message={quoteattr(message)}>Traceback ...</{tag}>"
                "</testcase>"
            )
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="aiohttp_test_suite">'
        + "".join(body)
        + "</testsuite></testsuites>"
    )


def _write_run(work: Path, files: dict[str, tuple[str, list[tuple[str, str, str]] | None]]) -> None:
    """A $WORK as run.sh leaves it: results/aioloom/<file>.rc and .xml per file."""
    results = work / "results" / "aioloom"
    results.mkdir(parents=True)
    (work / "logs" / "aioloom").mkdir(parents=True)
    for filename, (rc, cases) in files.items():
        (results / f"{filename}.rc").write_text(f"{rc}\n")
        (work / "logs" / "aioloom" / f"{filename}.log").write_text("... last line of pytest\n")
        if cases is not None:
            (results / f"{filename}.xml").write_text(_junit(cases))


RUN = {
    "test_web_app.py": (
        "1",
        [
            ("tests.test_web_app", "test_ok[pyloop]", PASS),
            (
                "tests.test_web_app",
                "test_broken[pyloop]",
                "failure:AssertionError: assert 500 == 200\nmore",
            ),
            ("tests.test_web_app.TestShutdown", "test_x", "error:failed on setup with boom"),
            ("tests.test_web_app", "test_skipped", SKIP),
            ("tests.test_web_app", "test_new_gap", "failure:TypeError: nope"),
        ],
    ),
    "test_web_log.py": ("0", [("tests.test_web_log", "test_fine", PASS)]),
}

STDERR_OK = "[run.sh] self-check aioloom: ok\n"


@pytest.fixture
def result(suite_tool: ModuleType, tmp_path: Path) -> Any:
    _write_run(tmp_path, RUN)
    return suite_tool.read_results(tmp_path, STDERR_OK)


def _entries(suite_tool: ModuleType, text: str) -> list[Any]:
    return list(suite_tool.parse_expected(textwrap.dedent(text).replace("|", "\t")))


def test_node_ids_and_outcomes_come_from_the_junit_xml(result: Any) -> None:
    outcomes = {n: (o.status, o.message) for n, o in result.outcomes.items()}
    assert outcomes == {
        "test_web_app.py::test_ok[pyloop]": ("passed", ""),
        "test_web_app.py::test_broken[pyloop]": ("failed", "AssertionError: assert 500 == 200"),
        "test_web_app.py::TestShutdown::test_x": ("error", "failed on setup with boom"),
        "test_web_app.py::test_skipped": ("skipped", ""),
        "test_web_app.py::test_new_gap": ("failed", "TypeError: nope"),
        "test_web_log.py::test_fine": ("passed", ""),
    }
    assert result.problems == []


def test_a_listed_failure_is_fine_and_an_unlisted_one_is_a_regression(
    suite_tool: ModuleType, result: Any
) -> None:
    entries = _entries(
        suite_tool,
        """\
        test_web_app.py::test_broken[pyloop]|A|A02: str bodies
        test_web_app.py::TestShutdown::*|B|private attributes
        """,
    )
    report = suite_tool.compare(result, entries)
    assert report.regressions == ["test_web_app.py::test_new_gap (failed): TypeError: nope"]
    assert report.stale == []
    assert dict(report.categories) == {"A": 1, "B": 1}
    assert not report.ok
    assert "test_new_gap" in report.render()


def test_listed_tests_that_pass_are_skipped_or_gone_are_stale(
    suite_tool: ModuleType, result: Any
) -> None:
    entries = _entries(
        suite_tool,
        """\
        test_web_app.py::test_broken[pyloop]|A|gap
        test_web_app.py::TestShutdown::test_x|B|private
        test_web_app.py::test_new_gap|A|gap
        test_web_app.py::test_ok[pyloop]|A|was a gap
        test_web_app.py::test_skipped|D|baseline
        test_web_app.py::test_renamed|B|gone
        test_web_log.py::*|B|a glob that now covers a passing test
        """,
    )
    report = suite_tool.compare(result, entries)
    assert report.regressions == []
    assert report.stale == [
        "test_web_app.py::test_ok[pyloop]: passes now",
        "test_web_app.py::test_skipped: skipped now",
        "test_web_app.py::test_renamed: no such test ran (renamed or removed?)",
        "test_web_log.py::*: 1 matching pass now: test_web_log.py::test_fine",
    ]


def test_may_pass_entries_are_never_stale_while_the_test_exists(
    suite_tool: ModuleType, result: Any
) -> None:
    entries = _entries(
        suite_tool,
        """\
        test_web_app.py::test_broken[pyloop]|A|gap
        test_web_app.py::TestShutdown::test_x|B|private
        test_web_app.py::test_new_gap|A|gap
        test_web_app.py::test_ok[pyloop]|D|root only|may-pass
        test_web_app.py::test_gone|D|root only|may-pass
        """,
    )
    report = suite_tool.compare(result, entries)
    assert report.stale == ["test_web_app.py::test_gone: no such test ran (renamed or removed?)"]


def test_harness_problems_fail_the_check(suite_tool: ModuleType, tmp_path: Path) -> None:
    _write_run(
        tmp_path,
        {
            "test_web_functional.py": ("124", None),  # killed by run.sh's per-file timeout
            "test_web_app.py": ("1", [("", "tests.test_web_app", "error:ImportError: no name")]),
        },
    )
    result = suite_tool.read_results(tmp_path, "[run.sh] SELF-CHECK aioloom FAILED: see ...\n")
    assert result.problems == [
        "test_web_app.py: collection error: ImportError: no name",
        "test_web_functional.py: pytest exited 124: ... last line of pytest",
        "test_web_functional.py: no junit XML (rc=124)",
        f"the harness self-check failed: see {tmp_path}/logs/selfcheck-aioloom.log",
    ]
    assert not suite_tool.compare(result, []).ok
    assert suite_tool.read_results(tmp_path / "nothing").problems


def test_the_list_rejects_malformed_lines(suite_tool: ModuleType) -> None:
    for text, error in [
        ("a.py::t\tE\treason\n", "category 'E'"),
        ("a.py::t\tA\n", "3 or 4"),
        ("a.py::t\tA\t \n", "empty"),
        ("a.py::t\tA\tr\tflaky\n", "fourth column"),
        ("a.py::t\tA\tr\na.py::t\tB\tr\n", "twice"),
    ]:
        with pytest.raises(ValueError, match=error):
            suite_tool.parse_expected(text)


def test_update_keeps_reasons_drops_passing_and_adds_triaged_failures(
    suite_tool: ModuleType, result: Any
) -> None:
    old = _entries(
        suite_tool,
        """\
        test_web_app.py::test_broken[pyloop]|A|a reason a reviewer wrote
        test_web_app.py::test_ok[pyloop]|A|fixed since
        test_web_app.py::test_*|B|a glob that now also covers passing tests
        """,
    )
    rules = [
        suite_tool.TriageRule("test_web_app.py::TestShutdown::*", "B", "B-private", ""),
        suite_tool.TriageRule("test_web_app.py::TestShutdown::test_y", "B", "B-private", "desc"),
    ]
    result.outcomes["test_web_app.py::test_also_old[pyloop]"] = suite_tool.Outcome("failed", "x")
    new, notes = suite_tool.update(result, old, rules)
    lines = sorted(e.line() for e in new)
    assert lines == [
        "test_web_app.py::TestShutdown::test_x\tB\tB-private: desc",
        "test_web_app.py::test_also_old[pyloop]\tB\ta glob that now also covers passing tests",
        "test_web_app.py::test_broken[pyloop]\tA\ta reason a reviewer wrote",
        "test_web_app.py::test_new_gap\tB\ta glob that now also covers passing tests",
    ]
    assert "dropped (no longer fails): test_web_app.py::test_ok[pyloop]" in notes
    # the updated list describes the run exactly
    assert suite_tool.compare(result, new).ok
    # and survives its own file format
    assert suite_tool.parse_expected(suite_tool.format_expected(new)) == sorted(
        new, key=lambda e: (e.category, e.pattern)
    )


def test_a_partial_run_checks_and_updates_only_its_files(
    suite_tool: ModuleType, result: Any
) -> None:
    entries = _entries(
        suite_tool,
        """\
        test_web_app.py::test_broken[pyloop]|A|gap
        test_web_app.py::TestShutdown::test_x|B|private
        test_web_app.py::test_new_gap|A|gap
        test_web_server.py::test_not_run|A|a file this run left out
        """,
    )
    assert suite_tool.compare(result, entries, {"test_web_app.py", "test_web_log.py"}).ok
    assert not suite_tool.compare(result, entries).ok  # the full check misses test_not_run
    new, notes = suite_tool.update(result, entries, [], {"test_web_app.py", "test_web_log.py"})
    assert set(new) == set(entries)  # (the file's order is the formatter's)
    assert notes == []


def test_update_flags_failures_no_triage_line_classifies(
    suite_tool: ModuleType, result: Any
) -> None:
    new, notes = suite_tool.update(result, [], [])
    unclassified = {e.pattern: e.reason for e in new if e.category == "?"}
    assert unclassified["test_web_app.py::test_new_gap"] == "UNCLASSIFIED: TypeError: nope"
    assert any("NOT CLASSIFIED" in n for n in notes)
    report = suite_tool.compare(result, new)
    assert report.regressions == []
    assert "test_web_app.py::test_new_gap: not classified (category ?)" in report.problems


def test_triage_reason_leads_a_parenthetical_note_with_the_group_description(
    suite_tool: ModuleType,
) -> None:
    first = suite_tool.TriageRule("a*", "A", "A02-body-types", "(medium) bodies take only bytes")
    second = suite_tool.TriageRule("b*", "A", "A02-body-types", "(str body)")
    third = suite_tool.TriageRule("c*", "A", "A02-body-types", "")
    rules = [first, second, third]
    assert suite_tool.triage_reason(second, rules) == (
        "A02-body-types: (medium) bodies take only bytes (str body)"
    )
    assert suite_tool.triage_reason(third, rules) == (
        "A02-body-types: (medium) bodies take only bytes"
    )


def _fake_suite(root: Path, script: str) -> Path:
    run_sh = root / "harness" / "run.sh"
    run_sh.parent.mkdir(parents=True)
    run_sh.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(script))
    run_sh.chmod(run_sh.stat().st_mode | stat.S_IXUSR)
    return root


def test_run_and_read_drives_run_sh_in_aioloom_mode(
    suite_tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = _junit([("tests.test_web_app", "test_a", PASS)]).replace("'", "'\\''")
    suite = _fake_suite(
        tmp_path / "suite",
        f"""\
        set -eu
        [ "$MODES" = aioloom ] && [ -n "$PY" ] && [ -z "${{PYTEST_ADDOPTS:-}}" ]
        echo "${{FILES:-unset}}" > "{tmp_path}/files"
        mkdir -p "$WORK/results/aioloom"
        echo 0 > "$WORK/results/aioloom/test_web_app.py.rc"
        echo '{xml}' > "$WORK/results/aioloom/test_web_app.py.xml"
        echo "[run.sh] self-check aioloom: ok" >&2
        echo "a table"
        echo "aioloom: 1 passed / 0 failed / 0 errors of 1 selected"
        """,
    )
    # neither an outer pytest's options nor a harness knob left in the shell reach it
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    monkeypatch.setenv("FILES", "test_web_log.py")
    result = suite_tool.run_and_read(suite, tmp_path / "work")
    assert (tmp_path / "files").read_text() == "unset\n"
    assert result.summary == "aioloom: 1 passed / 0 failed / 0 errors of 1 selected"
    statuses = {n: o.status for n, o in result.outcomes.items()}
    assert statuses == {"test_web_app.py::test_a": "passed"}
    assert result.problems == []
    suite_tool.run_and_read(suite, tmp_path / "work2", files=["test_web_app.py", "test_x.py"])
    assert (tmp_path / "files").read_text() == "test_web_app.py test_x.py\n"


def test_shards_split_run_sh_own_file_list_and_merge_the_results(
    suite_tool: ModuleType, tmp_path: Path
) -> None:
    suite = _fake_suite(
        tmp_path / "suite",
        """\
        set -eu
        REQUIRED="test_a.py test_b.py
        test_c.py"
        EXTRA="test_d.py"
        FILES=${FILES:-"$REQUIRED $EXTRA"}
        mkdir -p "$WORK/results/aioloom"
        for f in $FILES; do
            m=${f%.py}
            echo 1 > "$WORK/results/aioloom/$f.rc"
            ok="<testcase classname='tests.$m' name='test_ok'/>"
            bad="<testcase classname='tests.$m' name='test_bad'><failure message='no'/></testcase>"
            echo "<testsuites><testsuite>$ok$bad</testsuite></testsuites>" \\
                > "$WORK/results/aioloom/$f.xml"
        done
        echo "[run.sh] self-check aioloom: ok" >&2
        echo "the shard's own summary"
        """,
    )
    assert suite_tool.harness_files(suite) == ["test_a.py", "test_b.py", "test_c.py", "test_d.py"]
    result = suite_tool.run_and_read(suite, tmp_path / "work", jobs=3)
    ran = sorted({n.split("::")[0] for n in result.outcomes})
    assert ran == ["test_a.py", "test_b.py", "test_c.py", "test_d.py"]
    shards = sorted(p.name for p in (tmp_path / "work").iterdir())
    assert shards == ["shard0", "shard1", "shard2"]
    assert result.problems == []
    assert result.summary == "aioloom: 4 passed / 4 failed / 0 errors of 8 selected (3 shards)"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_hanging_run_is_killed_with_everything_it_started(
    suite_tool: ModuleType, tmp_path: Path
) -> None:
    # coreutils timeout moves its child into a process group of its own, as in run.sh
    suite = _fake_suite(
        tmp_path / "suite",
        f"""\
        timeout 300 bash -c 'echo $$ > {tmp_path}/inner; exec sleep 300' &
        echo $! > {tmp_path}/outer
        wait
        """,
    )
    started = time.monotonic()
    with pytest.raises(suite_tool.SuiteTimeoutError, match="did not finish"):
        suite_tool.run_suite(suite, tmp_path / "work", timeout=2.0)
    assert time.monotonic() - started < 30
    pids = [int((tmp_path / name).read_text()) for name in ("outer", "inner")]
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if _alive(pid)] == []


def test_the_committed_list_is_well_formed(suite_tool: ModuleType) -> None:
    entries = suite_tool.load_expected()
    assert entries
    assert all(e.category in ("A", "B", "C", "D") for e in entries), "classify the ? entries"
