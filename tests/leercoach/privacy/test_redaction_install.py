"""The redaction's lookups are built by `make install`, never at a chat message."""

import os
import subprocess
import sys

import pytest

from leercoach.privacy import names
from leercoach.settings import PROJECT_ROOT


def test_a_second_install_finds_the_lookups_and_prints_one_line():
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "leercoach.privacy.install"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "already built" in lines[0] and "ik ben [NAAM]" in lines[0]
    assert str(names.slim_cache_file()) in lines[0]


def test_without_the_lookups_loading_fails_with_the_command_to_run(monkeypatch, tmp_path):
    monkeypatch.setattr(names, "slim_cache_file", lambda: tmp_path / "cache" / "lookup_structs.pickle")
    with pytest.raises(names.NotInstalled, match="make install"):
        names.Engine()
    assert not (tmp_path / "cache").exists()  # nothing was built on the spot
