"""The cache key of a stand-in build.

Two builds from the same treebank files, training config, spaCy version and
recipe give the same pipeline, so the wheel of the first can be reused. Any
change to one of these inputs gives a new key and so a new build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

# Bump when the build itself changes in a way the config does not show
# (data preparation, metadata written into the package).
RECIPE_VERSION = "1"


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def standin_cache_key(data_files: Iterable[Path], config_file: Path, spacy_version: str) -> str:
    """A hex digest over the inputs; file names count too (their role differs)."""
    digest = hashlib.sha256()
    digest.update(f"recipe={RECIPE_VERSION}\n".encode())
    digest.update(f"spacy={spacy_version}\n".encode())
    digest.update(f"config={_file_digest(config_file)}\n".encode())
    for path in data_files:
        digest.update(f"data:{path.name}={_file_digest(path)}\n".encode())
    return digest.hexdigest()
