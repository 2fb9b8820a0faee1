"""The README stays a manual and the documentation's links lead somewhere.

The README is at most 300 lines and shows the commands CI runs (`.ci/run`); every relative link in
README.md and docs/ resolves to a file, and a `#part` of it to a heading there; every setting the
docs name is in the environment template, as tests/deploy/test_deploy_files.py checks for the README.
"""

import re
from pathlib import Path

import pytest

from leercoach.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = sorted((PROJECT_ROOT / "docs").rglob("*.md"))
MAX_README_LINES = 300

# Written by a make target, not kept in git (.gitignore: reports/): the link must name a folder
# the Makefile writes.
GENERATED_FOLDER = "reports"
# Generated from the register of Rasa overrides; may be missing only while the register is.
GENERATED_FROM = {"docs/rasa-overrides.md": "leercoach/rasa_overrides.py"}
# Switches for tests and benches, not production settings.
NOT_SETTINGS = {"LEERCOACH_TEST_MODEL", "LEERCOACH_REVIEW_BENCH_DB", "LEERCOACH_REVIEW_SCREENSHOTS"}

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
SETTING = re.compile(r"\b(LEERCOACH_[A-Z_]*[A-Z]|TICKET_LOCK_LIFETIME)\b")


def prose(path: Path) -> str:
    """The file's text without code, where a bracket is not a link."""
    return INLINE_CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))


def relative_links(path: Path) -> list[str]:
    return [t for t in LINK.findall(prose(path)) if not re.match(r"^[a-z]+:", t)]


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors: a heading in lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(
        r"^#{1,6}\s+(.+?)\s*$", FENCE.sub("", path.read_text(encoding="utf-8")), re.MULTILINE
    )
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def project_path(target: Path) -> str:
    return target.resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()


def link_problem(source: Path, link: str) -> str | None:
    part, _, anchor = link.partition("#")
    target = (source.parent / part).resolve() if part else source
    name = project_path(target)
    if name.split("/")[0] == GENERATED_FOLDER:
        folder = name.rsplit("/", 1)[0]
        makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
        return None if folder in makefile else f"no make target writes {folder}/"
    if not target.exists():
        register = GENERATED_FROM.get(name)
        if register and not (PROJECT_ROOT / register).exists():
            return None
        return f"{name} does not exist"
    if anchor and target.suffix == ".md" and anchor not in heading_anchors(target):
        return f"{name} has no heading for #{anchor}"
    return None


def test_the_readme_is_a_manual_not_a_notebook():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move detail to docs/"


def test_the_readme_shows_the_commands_ci_runs():
    ci_commands = [
        line.strip()
        for line in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
        if line.startswith("make ")
    ]
    assert ci_commands == ["make install", "make test"]
    readme_code = "\n".join(FENCE.findall(README.read_text(encoding="utf-8")))
    for command in ci_commands:
        assert re.search(rf"^{re.escape(command)}(\s|$)", readme_code, re.MULTILINE), command


@pytest.mark.parametrize("source", [README, *DOCS], ids=lambda p: project_path(p))
def test_every_relative_link_resolves(source):
    links = relative_links(source)
    problems = [f"{link}: {problem}" for link in links if (problem := link_problem(source, link))]
    assert not problems, problems


def test_the_documentation_is_linked_from_the_readme():
    linked = {project_path(README.parent / link.partition("#")[0]) for link in relative_links(README)}
    for section in ("architecture", "privacy", "review", "channels", "operations", "rasa-overrides"):
        assert f"docs/{section}.md" in linked, section
    assert "docs/decisions/README.md" in linked


def test_every_decision_record_is_in_the_index():
    index = (PROJECT_ROOT / "docs" / "decisions" / "README.md").read_text(encoding="utf-8")
    records = sorted((PROJECT_ROOT / "docs" / "decisions").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert records
    for record in records:
        assert f"]({record.name})" in index, record.name


def test_every_setting_the_docs_name_is_in_the_environment_template():
    template = (PROJECT_ROOT / "deploy" / "leercoach.env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_]+)=", template, re.MULTILINE))
    named = {name for doc in DOCS for name in SETTING.findall(doc.read_text(encoding="utf-8"))}
    missing = named - NOT_SETTINGS - defined
    assert not missing, sorted(missing)
