"""What Dutch pipeline is installed, read from its meta.json without loading spaCy.

Loading spaCy (and through thinc, TensorFlow) takes seconds; reading one JSON
file does not, so `make doctor` and the "nothing to do" check stay fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from leercoach.nlp import settings

ORIGIN_OFFICIAL = "official"
ORIGIN_STANDIN = "stand-in"

# Keys of meta.json "performance" shown to people, with their labels.
ACCURACY_LABELS = (("pos_acc", "POS"), ("dep_las", "LAS"), ("lemma_acc", "lemma"))


@dataclass(frozen=True)
class InstalledPipeline:
    name: str
    version: str
    origin: str
    location: Path
    meta: Dict[str, Any] = field(repr=False)

    @property
    def is_standin(self) -> bool:
        return self.origin == ORIGIN_STANDIN

    @property
    def cache_key(self) -> Optional[str]:
        return self.meta.get("leercoach", {}).get("cache_key")

    @property
    def accuracy(self) -> Dict[str, float]:
        """Accuracy figures from the metadata as percentages (spaCy stores fractions)."""
        performance = self.meta.get("performance") or {}
        return {
            label: round(float(performance[key]) * 100, 1)
            for key, label in ACCURACY_LABELS
            if isinstance(performance.get(key), (int, float))
        }


def origin_of(meta: Dict[str, Any]) -> str:
    """A stand-in says so in its own metadata; anything else is spaCy's own release."""
    marked = meta.get("leercoach", {}).get("origin") == ORIGIN_STANDIN
    if marked or "+standin" in str(meta.get("version", "")):
        return ORIGIN_STANDIN
    return ORIGIN_OFFICIAL


def find_installed(name: str = settings.PIPELINE_NAME) -> Optional[InstalledPipeline]:
    importlib.invalidate_caches()  # a pip subprocess may just have changed site-packages
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    package_dir = Path(spec.origin).parent
    meta_file = package_dir / "meta.json"
    if not meta_file.is_file():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    full_name = f"{meta.get('lang', '')}_{meta.get('name', '')}"
    return InstalledPipeline(
        name=full_name,
        version=str(meta.get("version", "?")),
        origin=origin_of(meta),
        location=package_dir,
        meta=meta,
    )
