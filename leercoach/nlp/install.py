"""Install the Dutch spaCy pipeline nl_core_news_sm 3.4.0 into this Python environment.

    python -m leercoach.nlp.install [--force] [--rebuild] [--no-download]

Where the pipeline comes from, in this order:
1. the wheel named by LEERCOACH_SPACY_WHEEL (air-gapped intranets);
2. spaCy's official release wheel, when it can be downloaded (10 s timeout);
3. a local stand-in trained from the UD Dutch treebanks (LEERCOACH_UD_DUTCH_DIR,
   default ../shared/ud-dutch), cached outside the repo, so that a second install
   only pip-installs the cached wheel.
A pipeline that is already installed and current is left alone.
Exits 1 with a one-line message when no pipeline can be had.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Iterator, Optional

from leercoach.nlp import settings
from leercoach.nlp.info import report_lines
from leercoach.nlp.installed import InstalledPipeline, find_installed
from leercoach.nlp.standin import (
    BuildError,
    build_standin_wheel,
    cached_wheel,
    current_cache_key,
    missing_data_files,
)

CHECK_SENTENCE = "Ik wil beter leren presenteren voor grote groepen"


class InstallError(RuntimeError):
    """No Dutch pipeline could be installed; the message says why in one line."""


def say(message: str) -> None:
    print(f"[nlp] {message}", flush=True)


@contextlib.contextmanager
def cache_lock() -> Iterator[None]:
    """One install at a time: two builds of the same stand-in would waste the machine."""
    root = settings.cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pip_install(wheel: Path) -> None:
    # --no-deps: the wheel only needs spaCy 3.4, which the venv has; this keeps
    # the install offline. --force-reinstall: a rebuilt stand-in keeps its version.
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--force-reinstall",
        "--no-input",
        "--disable-pip-version-check",
        "--quiet",
        str(wheel),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InstallError(f"pip could not install {wheel.name}: {detail}")


def official_wheel_cache() -> Path:
    return settings.cache_root().parent / "spacy-official"


def fetch_official_wheel() -> Optional[Path]:
    """spaCy's release wheel: from an earlier download, else from the release URL."""
    url = settings.OFFICIAL_WHEEL_URL
    target = official_wheel_cache() / url.rsplit("/", 1)[1]
    if target.is_file() and zipfile.is_zipfile(target):
        say(f"official wheel found in the cache: {target}")
        return target
    say(f"trying the official wheel (timeout {settings.DOWNLOAD_TIMEOUT_SECONDS} s): {url}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with (
            urllib.request.urlopen(url, timeout=settings.DOWNLOAD_TIMEOUT_SECONDS) as response,
            partial.open("wb") as out,
        ):
            shutil.copyfileobj(response, out)
    except (OSError, ValueError) as error:  # URLError, timeouts and HTTP errors are OSErrors
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", None) or error
        say(f"official wheel not reachable ({reason})")
        return None
    if not zipfile.is_zipfile(partial):
        partial.unlink(missing_ok=True)
        say("official wheel download is not a wheel (a proxy page?); not using it")
        return None
    partial.rename(target)
    return target


def check_pipeline_loads() -> str:
    """Load the pipeline in a fresh interpreter, as Rasa will, and parse one sentence."""
    code = (
        "import spacy\n"
        f"doc = spacy.load({settings.PIPELINE_NAME!r})({CHECK_SENTENCE!r})\n"
        "print('lemmas: ' + ' '.join(t.lemma_ for t in doc)"
        " + ' | noun chunks: ' + ', '.join(c.text for c in doc.noun_chunks))\n"
    )
    quiet = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=quiet)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InstallError(f"{settings.PIPELINE_NAME} is installed but does not load: {detail}")
    return result.stdout.strip()


def _finish(started: float) -> InstalledPipeline:
    installed = find_installed()
    if installed is None:
        raise InstallError(f"pip reported success but {settings.PIPELINE_NAME} cannot be found")
    say(f"check: {check_pipeline_loads()}")
    for line in report_lines(installed):
        say(line)
    say(f"done in {time.monotonic() - started:.0f} s")
    return installed


def _wheel_version(wheel: Path) -> str:
    """nl_core_news_sm-3.4.0-py3-none-any.whl -> 3.4.0 (the wheel file name standard)."""
    parts = wheel.name.split("-")
    return parts[1] if len(parts) > 2 else ""


def _install_user_wheel(wheel: Path) -> None:
    if not wheel.is_file():
        raise InstallError(f"{settings.ENV_WHEEL}={wheel}: no such file")
    if not wheel.name.startswith(f"{settings.PIPELINE_NAME}-") or wheel.suffix != ".whl":
        raise InstallError(f"{settings.ENV_WHEEL}={wheel} is not a {settings.PIPELINE_NAME} wheel")
    say(f"installing the wheel given in {settings.ENV_WHEEL}: {wheel}")
    pip_install(wheel)


def install(force: bool = False, rebuild: bool = False, download: bool = True) -> InstalledPipeline:
    started = time.monotonic()
    installed = find_installed()
    if (
        installed
        and not installed.is_standin
        and installed.version == settings.OFFICIAL_VERSION
        and not (force or rebuild)
    ):
        say(f"official {installed.name} {installed.version} already installed: nothing to do")
        return installed

    wheel = settings.user_wheel()
    if wheel is not None:
        if (
            installed
            and not installed.is_standin
            and not force
            and installed.version == _wheel_version(wheel)
        ):
            say(
                f"{installed.name} {installed.version} from {settings.ENV_WHEEL} already installed: nothing to do"
            )
            return installed
        _install_user_wheel(wheel)
        return _finish(started)

    ud_dir = settings.ud_dutch_dir()
    missing = missing_data_files(ud_dir)
    cache_key = None if missing else current_cache_key(ud_dir)
    if installed and installed.is_standin and not (force or rebuild):
        if cache_key is None:
            say(
                f"stand-in {installed.version} installed; treebanks not found in {ud_dir}, "
                "so it cannot be checked against them: keeping it"
            )
            return installed
        if installed.cache_key == cache_key:
            say(
                f"stand-in {installed.version} (cache key {cache_key[:12]}) already installed "
                "and current: nothing to do (--force looks for the official wheel again)"
            )
            return installed

    if download and not rebuild:
        official = fetch_official_wheel()
        if official is not None:
            say(f"installing the official wheel {official.name}")
            pip_install(official)
            return _finish(started)

    if cache_key is None:
        raise InstallError(
            f"no {settings.PIPELINE_NAME} wheel reachable and UD Dutch treebank file(s) missing "
            f"in {ud_dir} ({', '.join(p.name for p in missing)}); "
            f"set {settings.ENV_UD_DUTCH_DIR} or {settings.ENV_WHEEL}"
        )
    wheel = None if rebuild else cached_wheel(cache_key)
    if wheel is not None:
        say(f"using the cached stand-in wheel (cache key {cache_key[:12]}): {wheel}")
    else:
        say(
            f"building a local stand-in from the UD Dutch treebanks in {ud_dir} "
            f"(cache key {cache_key[:12]}; takes 5 to 10 minutes on 2 cores)"
        )
        wheel = build_standin_wheel(ud_dir, cache_key, say)
        say(f"stand-in wheel cached: {wheel}")
    pip_install(wheel)
    return _finish(started)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leercoach.nlp.install",
        description=f"Install the Dutch spaCy pipeline {settings.PIPELINE_NAME} {settings.OFFICIAL_VERSION}.",
    )
    parser.add_argument(
        "--force", action="store_true", help="reinstall even when a current pipeline is installed"
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="train the stand-in again, ignoring the cache and the official wheel",
    )
    parser.add_argument(
        "--no-download", dest="download", action="store_false", help="do not try the official wheel URL"
    )
    args = parser.parse_args(argv)
    try:
        with cache_lock():
            install(force=args.force, rebuild=args.rebuild, download=args.download)
    except (InstallError, BuildError) as error:
        print(f"leercoach.nlp.install: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("leercoach.nlp.install: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
