"""One home per fact (issue 18): the settings, the widget protocol and the `rasa run` command."""

import re
from pathlib import Path

from leercoach import settings
from leercoach.settings import PROJECT_ROOT

# The rule of issue 18: `grep -rn "os.environ" leercoach actions | grep LEERCOACH_`.
ENVIRONMENT_READ = re.compile(r"(os\.environ|getenv).*LEERCOACH_|LEERCOACH_.*(os\.environ|getenv)")


def _python_lines(*folders: str):
    for folder in folders:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                yield path.relative_to(PROJECT_ROOT), number, line


def test_only_leercoach_settings_reads_leercoach_variables():
    readers = [
        f"{path}:{number}: {line.strip()}"
        for path, number, line in _python_lines("leercoach", "actions")
        if ENVIRONMENT_READ.search(line) and str(path) != "leercoach/settings.py"
    ]
    assert readers == [], "read it through a function in leercoach/settings.py"


def test_a_bad_port_or_worker_count_names_the_variable(monkeypatch):
    monkeypatch.setenv("LEERCOACH_RASA_PORT", "vijf")
    monkeypatch.setenv("LEERCOACH_RASA_WORKERS", "0")
    for read, message in (
        (settings.rasa_port, "LEERCOACH_RASA_PORT='vijf' is geen poortnummer."),
        (settings.rasa_workers, "LEERCOACH_RASA_WORKERS='0' is geen aantal (1 of meer)."),
    ):
        try:
            read()
        except ValueError as problem:
            assert str(problem) == message
        else:
            raise AssertionError(f"{read.__name__} accepted a bad value")


def test_the_defaults(monkeypatch):
    for name in ("ENDPOINTS", "REVIEW_STATE_DIR", "RASA_PORT", "WIDGET_PORT", "REVIEW_PORT"):
        monkeypatch.delenv(f"LEERCOACH_{name}", raising=False)
    assert settings.endpoints_file() == PROJECT_ROOT / "endpoints.yml"
    assert settings.state_dir() == PROJECT_ROOT / ".leercoach"
    assert (settings.rasa_port(), settings.widget_port(), settings.review_port()) == (5005, 8080, 8090)


def test_overridden_settings_are_restored(monkeypatch):
    monkeypatch.setenv("LEERCOACH_DEPARTMENTS", "Inkoop")
    monkeypatch.delenv("LEERCOACH_STAFF_NUMBER_PATTERN", raising=False)
    with settings.overridden(
        {"LEERCOACH_DEPARTMENTS": "Planning", "LEERCOACH_STAFF_NUMBER_PATTERN": "X\\d+"}
    ):
        assert settings.departments() == ("Planning",)
    assert settings.departments() == ("Inkoop",)
    assert settings.staff_number_pattern().pattern == r"(?<!\w)(?:P\d{5,7})(?!\w)"


def test_rasa_run_is_written_once():
    """make run, make cluster, the bench, the profile and the tests build `rasa run` with
    leercoach.run.servers.rasa_run_command; nobody spells the command out."""
    spelled_out = re.compile(r'"rasa",\s*"run",\s*"--model"')
    found = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("leercoach", "actions", "benchmarks", "tests")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
        if spelled_out.search(path.read_text(encoding="utf-8")) and path != Path(__file__)
    ]
    assert found == []


def test_the_rasa_run_command_line():
    from leercoach.run.servers import CREDENTIALS, rasa_run_command

    command = rasa_run_command(PROJECT_ROOT / "m.tar.gz", PROJECT_ROOT / "e.yml", 5005, cors=["http://a"])
    assert command[1:] == [
        "-m", "leercoach.run.rasa_cli", "run", "--model", str(PROJECT_ROOT / "m.tar.gz"), "--endpoints",
        str(PROJECT_ROOT / "e.yml"), "--credentials", str(CREDENTIALS), "--port", "5005", "--cors", "http://a",
    ]  # fmt: skip
    bare = rasa_run_command(PROJECT_ROOT / "m", PROJECT_ROOT / "e", 1, credentials=None, module="x")
    assert bare[1:] == [
        "-m",
        "x",
        "run",
        "--model",
        str(PROJECT_ROOT / "m"),
        "--endpoints",
        str(PROJECT_ROOT / "e"),
        "--port",
        "1",
    ]
