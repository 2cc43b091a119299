"""Fuzzing the whole `pdsa` command line against the loaded demo.

Hypothesis builds argument lists from the real command tree (every command, option and argument, walked from
`pdsa_engine.cli.cli`; values valid ones read from the demo, or boundary, malformed and hostile ones) and runs
them through the entry point in this process, one to three in a row on a fresh copy of the demo database. After
a change that succeeds, some of the read commands over what it touched run too, in text and as JSON. What every
run must keep is listed in tests/support/fuzz.py: a documented exit code (never 1: the database is healthy), no
traceback or Python warning, the JSON error shape, a failed command stores nothing and writes no file, what is
stored is clean, the reads of it succeed, and the terminal shows no control characters.

Files are written only below the test's tmp_path (the strategy of output paths checks that).

PDSA_FUZZ_EXAMPLES  how many examples (default 400: about a minute on an idle machine here, two when busy).
PDSA_FUZZ_SEED      a seed, for another run than the fixed, derandomized one.
PDSA_FUZZ_COLLECT   a file: record every distinct problem there (as JSON) instead of stopping at the first one.
PDSA_FUZZ_TRACE     a file: append every command line run, its exit code and its time.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pdsa_engine.cli import cli
from tests.support.fuzz import (
    Invocation,
    Places,
    Problem,
    Template,
    Values,
    build_template,
    check_run,
    files_under,
    head,
    invocations,
    leaves,
    probes,
    run_pdsa,
    shell_line,
)

EXAMPLES = int(os.environ.get("PDSA_FUZZ_EXAMPLES", "400"))
SEED = os.environ.get("PDSA_FUZZ_SEED") or None
COLLECT = os.environ.get("PDSA_FUZZ_COLLECT") or None
TRACE = os.environ.get("PDSA_FUZZ_TRACE") or None


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The demo, loaded once (some 3,000 events), its views up to date; every example runs on a copy."""
    return build_template(tmp_path_factory.mktemp("fuzz-demo"))


@pytest.fixture
def places(demo_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Places:
    places = Places(tmp_path, tmp_path / "fixtures", demo_template)
    places.prepare_fixtures()
    monkeypatch.setenv("PDSA_AUDIT_KEY", str(demo_template.audit_key))  # the copies share the template's key
    monkeypatch.setenv("COLUMNS", "200")
    return places


def fuzzing(test: Callable[..., None]) -> Callable[..., None]:
    chosen = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                             HealthCheck.data_too_large, HealthCheck.large_base_example])
    return chosen(test) if SEED is None else seed(int(SEED))(chosen(test))


def test_no_command_line_breaks_the_contract(places: Places, monkeypatch: pytest.MonkeyPatch) -> None:
    world = places.template.world
    commands = leaves(cli)
    assert len(commands) > 40, "the walk finds every command"
    found: dict[tuple[str, ...], list[Problem]] = {}
    numbers = itertools.count()

    @fuzzing
    @given(st.lists(invocations(Values(world, places), commands), min_size=1, max_size=3))
    def session(invocations_: list[Invocation]) -> None:
        database = places.reset(next(numbers))
        monkeypatch.chdir(places.cwd)
        environ = {"PDSA_DATABASE_URL": f"sqlite:///{database}"}
        problems: list[Problem] = []

        def run(argv: list[str], as_json: bool, must_succeed: bool = False) -> Any:
            before, files, started = head(database), files_under(places.cwd), time.monotonic()
            result = run_pdsa(argv, environ)
            if TRACE:
                with open(TRACE, "a", encoding="utf-8") as trace:
                    trace.write(json.dumps({"argv": argv, "code": result.code, "seconds": round(
                        time.monotonic() - started, 3), "err": result.err[-200:]}, ensure_ascii=False) + "\n")
            now = files_under(places.cwd)
            changed = [path for path, seen in now.items() if files.get(path) != seen]
            problems.extend(check_run(result, as_json, before, head(database), database, changed, must_succeed))
            return result

        for invocation in invocations_:
            for name, content in invocation.files.items():
                (places.cwd / name).write_bytes(content)
            result = run(invocation.argv, invocation.as_json)
            for probe in probes(invocation, result, world):
                run(probe, "--json" in probe, must_succeed=True)
        if COLLECT:
            for problem in problems:
                found.setdefault(problem.signature(), []).append(problem)
            return
        assert not problems, "\n\n".join(describe(p) for p in problems)

    session()
    if COLLECT:
        write_collection(Path(COLLECT), found)
        assert not found, f"{len(found)} distinct problems, written to {COLLECT}"


def describe(problem: Problem) -> str:
    return f"{problem.kind}: {shell_line(problem.argv)} -> exit {problem.code}\n{problem.detail}"


def write_collection(path: Path, found: dict[tuple[str, ...], list[Problem]]) -> None:
    entries = [{"kind": problems[0].kind, "signature": list(signature), "count": len(problems),
                "examples": [{"argv": list(p.argv), "code": p.code, "detail": p.detail}
                             for p in sorted(problems, key=lambda p: len(" ".join(p.argv)))[:3]]}
               for signature, problems in sorted(found.items())]
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2))
