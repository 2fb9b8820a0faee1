"""A few seconds of `make bench` against `make run`'s set-up: the harness itself works."""

import pytest

from benchmarks import report
from benchmarks.measure import measure

pytestmark = pytest.mark.servers


def test_a_short_bench_run_reports_every_figure_and_no_errors(tmp_path):
    # Three users, so each of the three Leercoach conversations (FAQ, list drill-down,
    # coaching with button clicks) is played at least partly.
    rows = measure("leercoach-sqlite", ["saturation"], duration_s=4.0, overrides={"saturation": {"users": 3}})

    [row] = rows
    assert row["messages"] >= 6
    assert row["errors"] == 0 and row["empty_replies"] == 0
    assert row["script_mismatches"] == 0, "a button the conversation script clicks was not in the reply"
    assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
    assert set(row["rss_mb"]) == {"rasa", "actions", "demo page"} and row["rss_mb"]["rasa"] > 100

    written = report.write(rows, tmp_path, duration_s=4.0).read_text(encoding="utf-8")
    assert all(column in written for column in report.COLUMNS)
    assert "| Leercoach, SQLite store | 3 users back-to-back |" in written
    assert "cores" in written and "RAM" in written and "load avg" in written.lower()
