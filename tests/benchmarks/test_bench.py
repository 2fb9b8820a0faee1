"""A few seconds of `make bench` against `make run`'s set-up: the harness itself works."""

import concurrent.futures

import pytest

from benchmarks import report
from benchmarks.measure import measure

pytestmark = pytest.mark.servers


def run_apart(function, *args, **kwargs):
    """In a thread of its own: the bench's client runs its own event loop, and in
    `make test-servers` the browser tests' Playwright keeps one running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def test_a_short_bench_run_reports_every_figure_and_no_errors(tmp_path):
    # Three users, so each of the three Leercoach conversations (FAQ, list drill-down,
    # coaching with button clicks) is played at least partly.
    rows = run_apart(
        measure, "leercoach-sqlite", ["saturation"], duration_s=4.0, overrides={"saturation": {"users": 3}}
    )

    [row] = rows
    assert row["messages"] >= 6
    assert row["errors"] == 0 and row["empty_replies"] == 0
    assert row["script_mismatches"] == 0, "a button the conversation script clicks was not in the reply"
    assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    rss = {name.split(" ×")[0]: mb for name, mb in row["rss_mb"].items()}
    assert set(rss) == {"rasa", "actions", "demo page", "HR review"}
    assert rss["rasa"] > 300, "the Rasa server's figure is the process that holds the model"
    assert row["cpu_ms_per_msg"] > 0

    written = report.write(rows, tmp_path, duration_s=4.0).read_text(encoding="utf-8")
    assert all(column in written for column in report.COLUMNS)
    assert "| Leercoach, SQLite store | 3 users back-to-back |" in written
    assert "cores" in written and "RAM" in written and "load avg" in written.lower()
