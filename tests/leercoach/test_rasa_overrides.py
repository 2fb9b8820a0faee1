"""The register of Leercoach's changes to Rasa (leercoach.rasa_overrides): it refuses another Rasa,
names tests that exist, installs once and only when asked, and is what docs/rasa-overrides.md says."""

import ast
import json
import re
import subprocess
import sys
import types

import pytest

from leercoach import rasa_overrides
from leercoach.rasa_overrides import REGISTER, RasaChanged, resolve
from leercoach.settings import PROJECT_ROOT

PATCHES = [entry for entry in REGISTER if entry.patch]
FUNCTIONS = [entry for entry in REGISTER if entry.replaces != "rasa.core.processor.copy"]


def _one_line(problem: pytest.ExceptionInfo) -> str:
    message = str(problem.value)
    assert "\n" not in message
    return message


def test_rasa_is_the_rasa_of_the_register():
    rasa_overrides.check()


def test_the_test_session_has_every_patch_in_place_as_every_rasa_process_does():
    assert rasa_overrides.installed()


def test_another_rasa_version_is_refused_in_one_line(monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(RasaChanged) as refused:
        rasa_overrides.install()
    message = _one_line(refused)
    assert "Rasa 3.6.22" in message and rasa_overrides.RASA_VERSION in message
    assert REGISTER[0].replaces in message


@pytest.mark.parametrize("entry", FUNCTIONS, ids=lambda entry: entry.replaces)
def test_a_changed_rasa_function_is_refused_in_one_line_naming_its_entry(entry, monkeypatch):
    owner, name, _ = resolve(entry.replaces)

    def changed(*args, **kwargs):  # Rasa's function as a new release might have it
        return None

    monkeypatch.setattr(owner, name, changed)
    with pytest.raises(RasaChanged) as refused:
        rasa_overrides.install()
    message = _one_line(refused)
    assert entry.replaces in message and entry.by in message
    assert resolve(entry.replaces)[2] is changed  # refused before anything was put in place


def test_a_new_use_of_copy_in_rasas_processor_is_refused(monkeypatch):
    pinned = rasa_overrides.copy_calls_source
    monkeypatch.setattr(
        rasa_overrides, "copy_calls_source", lambda source: pinned(source + "\nstate = copy.copy(tracker)\n")
    )
    with pytest.raises(RasaChanged) as refused:
        rasa_overrides.check()
    assert "rasa.core.processor.copy" in _one_line(refused)


def _test_functions(path):
    tree = ast.parse((PROJECT_ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


@pytest.mark.parametrize("entry", REGISTER, ids=lambda entry: entry.replaces)
def test_every_entry_names_a_test_that_exists(entry):
    path, _, name = entry.test.partition("::")
    assert path.startswith("tests/") and (PROJECT_ROOT / path).is_file(), entry.test
    assert name in _test_functions(path), entry.test


@pytest.mark.parametrize("entry", REGISTER, ids=lambda entry: entry.replaces)
def test_every_entry_names_rasas_code_and_ours(entry):
    assert entry.replaces.split(".")[0] in ("rasa", "rasa_sdk")
    owner, name, ours = resolve(entry.by)
    assert entry.by.startswith("leercoach.")
    assert callable(ours) or isinstance(ours, types.SimpleNamespace)
    if not entry.patch and isinstance(owner, type):  # a subclass: its own method, over Rasa's
        from leercoach.privacy.tracker_store import PrivateSQLTrackerStore

        rasas = resolve(entry.replaces)[0]
        # A mixin counts in the class endpoints.yml names.
        loaded = owner if issubclass(owner, rasas) else PrivateSQLTrackerStore
        assert name in vars(owner)
        assert issubclass(loaded, rasas) and getattr(loaded, name) is getattr(owner, name)


def test_install_twice_is_harmless():
    rasa_overrides.install()
    first = {entry.replaces: resolve(entry.replaces)[2] for entry in PATCHES}
    rasa_overrides.install()
    assert {entry.replaces: resolve(entry.replaces)[2] for entry in PATCHES} == first
    assert all(first[entry.replaces] is resolve(entry.by)[2] for entry in PATCHES)
    rasa_overrides.check()  # Rasa's own functions are kept, and are still the registered ones


def test_rasas_own_functions_stay_reachable_for_the_equivalence_tests():
    for entry in PATCHES:
        own = rasa_overrides.rasas_own(entry)
        assert own is not resolve(entry.by)[2]
        if not isinstance(own, types.ModuleType):  # the processor's `copy`: the standard module
            assert own.__module__.startswith("rasa")


_IMPORT_EVERYTHING = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
for module in sys.argv[2:]:
    importlib.import_module(module)
from leercoach import rasa_overrides
print(json.dumps([entry.replaces for entry in rasa_overrides.REGISTER if entry.patch
                  and rasa_overrides.resolve(entry.replaces)[2] is rasa_overrides.resolve(entry.by)[2]]))
"""

MODULES_OF_THE_REGISTER = sorted(
    {".".join(entry.by.split(".")[:3]) for entry in REGISTER}
    | {"leercoach.channels.rest", "leercoach.channels.slack", "leercoach.channels.teams"}
)


def test_importing_leercoach_changes_nothing_in_rasa():
    """Rasa imports the policy, the components and the channels by name: that alone applies nothing."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING, str(PROJECT_ROOT), *MODULES_OF_THE_REGISTER],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_rasa_entry_installs_before_rasa_starts(monkeypatch):
    import rasa.__main__

    from leercoach.run import rasa_cli

    calls = []
    monkeypatch.setattr(rasa_overrides, "install", lambda: calls.append("install"))
    monkeypatch.setattr(rasa.__main__, "main", lambda: calls.append(("rasa", list(sys.argv))))
    monkeypatch.setattr(sys, "argv", ["rasa_cli"])
    rasa_cli.main(["run", "--port", "5005"])
    assert calls == ["install", ("rasa", ["rasa", "run", "--port", "5005"])]


# `python -m rasa run|shell|train|test` (but `rasa run actions`: rasa-sdk's, no override applies).
_PLAIN_RASA = re.compile(
    r"""(-m['"]?,?\s*['"]?rasa['"]?,?\s*['"]?(run|shell|train|test)\b(?!['"]?,?\s*['"]?actions))"""
)
_PLAIN_MODULE = re.compile(r"""python_module\(\s*['"]rasa['"]""")


def test_every_rasa_process_of_the_project_starts_through_the_entry():
    places = [
        *(PROJECT_ROOT / "leercoach").rglob("*.py"),
        *(PROJECT_ROOT / "deploy").rglob("*.yaml"),
        PROJECT_ROOT / "tests" / "support.py",
        PROJECT_ROOT / "Makefile",
    ]
    plain = [
        f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
        for path in places
        for match in [
            *_PLAIN_RASA.finditer(path.read_text(encoding="utf-8")),
            *_PLAIN_MODULE.finditer(path.read_text(encoding="utf-8")),
        ]
    ]
    assert plain == []


def test_the_docs_are_the_register():
    written = (PROJECT_ROOT / "docs" / "rasa-overrides.md").read_text(encoding="utf-8")
    assert written == rasa_overrides.markdown(), (
        "run: python -m leercoach.rasa_overrides > docs/rasa-overrides.md"
    )
