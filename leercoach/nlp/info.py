"""Report which Dutch spaCy pipeline is installed (for `make doctor`).

    python -m leercoach.nlp.info

Exits 1 when no pipeline is installed, so a doctor check can flag it.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from leercoach.nlp import settings
from leercoach.nlp.installed import InstalledPipeline, find_installed


def _accuracy_line(pipeline: InstalledPipeline) -> str:
    figures = ", ".join(f"{label} {value:.1f} %" for label, value in pipeline.accuracy.items())
    if not figures:
        return "  accuracy: not recorded in its metadata"
    evaluated_on = pipeline.meta.get("leercoach", {}).get("evaluated_on")
    where = f" on {evaluated_on}" if evaluated_on else " (from its metadata)"
    return f"  accuracy{where}: {figures}"


def report_lines(pipeline: Optional[InstalledPipeline]) -> List[str]:
    if pipeline is None:
        return [
            f"Dutch spaCy pipeline: {settings.PIPELINE_NAME} is NOT installed "
            "(run: python -m leercoach.nlp.install)"
        ]
    if pipeline.is_standin:
        kind = "local stand-in built from UD Dutch treebanks, not spaCy's own release"
    else:
        kind = "official spaCy release"
    lines = [f"Dutch spaCy pipeline: {pipeline.name} {pipeline.version} ({kind})"]
    if pipeline.is_standin:
        trained_on = pipeline.meta.get("leercoach", {}).get("trained_on", [])
        if trained_on:
            lines.append(f"  trained on: {', '.join(trained_on)} ({settings.UD_LICENSE})")
    lines.append(_accuracy_line(pipeline))
    if pipeline.meta.get("leercoach", {}).get("stopped_by_time_cap"):
        lines.append(
            "  note: training was cut short by the time cap; "
            "`python -m leercoach.nlp.install --rebuild` trains it again"
        )
    lines.append(f"  location: {pipeline.location}")
    return lines


def main() -> int:
    pipeline = find_installed()
    print("\n".join(report_lines(pipeline)))
    return 0 if pipeline is not None else 1


if __name__ == "__main__":
    sys.exit(main())
