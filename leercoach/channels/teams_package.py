"""`make teams-package`: the Teams app package to upload (manifest at the root of the zip + icons).

The manifest's ``${VARIABLE}`` placeholders are filled from the environment: the bot's app id
(``LEERCOACH_TEAMS_APP_ID``, a GUID), the public site (``LEERCOACH_TEAMS_WEBSITE_URL``, https)
and the publisher (``LEERCOACH_TEAMS_DEVELOPER_NAME``, default "Leercoach").
``--draw-icons`` redraws the two icons (they are committed; Pillow draws them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Dict

from leercoach.settings import PROJECT_ROOT

TEAMS_DIR = PROJECT_ROOT / "teams"
PACKAGE = PROJECT_ROOT / "build" / "leercoach-teams.zip"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GREEN, WHITE = (31, 111, 92, 255), (255, 255, 255, 255)


class PackageError(ValueError):
    """A setting the package needs is missing or wrong."""


def manifest_values(env: Dict[str, str]) -> Dict[str, str]:
    app_id = env.get("LEERCOACH_TEAMS_APP_ID", "").strip()
    website = env.get("LEERCOACH_TEAMS_WEBSITE_URL", "").strip().rstrip("/")
    if not GUID.match(app_id):
        raise PackageError("LEERCOACH_TEAMS_APP_ID must be the bot's Microsoft App ID (a GUID).")
    if not website.startswith("https://"):
        raise PackageError(
            "LEERCOACH_TEAMS_WEBSITE_URL must be the public https address of the intranet page."
        )
    return {
        "LEERCOACH_TEAMS_APP_ID": app_id,
        "LEERCOACH_TEAMS_WEBSITE_URL": website,
        "LEERCOACH_TEAMS_DEVELOPER_NAME": env.get("LEERCOACH_TEAMS_DEVELOPER_NAME", "").strip()
        or "Leercoach",
    }


def filled_manifest(env: Dict[str, str]) -> dict:
    values = manifest_values(env)
    text = re.sub(
        r"\$\{(\w+)\}",
        lambda match: values[match.group(1)],
        (TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"),
    )
    return json.loads(text)


def build_package(env: Dict[str, str], target: Path = PACKAGE) -> Path:
    manifest = filled_manifest(env)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in manifest["icons"].values():
            package.write(TEAMS_DIR / icon, icon)
    return target


def draw_icons(directory: Path = TEAMS_DIR) -> None:
    """A speech bubble with a sprout: colour 192×192 (full bleed), outline 32×32 (white on transparent)."""
    from PIL import Image, ImageDraw

    def bubble_with_sprout(size: int, background, ink, sprout) -> Image.Image:
        scale = 8  # draw large, then shrink: smooth edges
        big = size * scale
        image = Image.new("RGBA", (big, big), background)
        draw = ImageDraw.Draw(image)
        s = big / 32
        draw.rounded_rectangle([4 * s, 5 * s, 28 * s, 23 * s], radius=6 * s, fill=ink)
        draw.polygon([(9 * s, 22 * s), (8 * s, 28.5 * s), (15 * s, 22 * s)], fill=ink)
        draw.line([(16 * s, 20 * s), (16 * s, 12 * s)], fill=sprout, width=int(2 * s))
        draw.ellipse([9 * s, 8.5 * s, 16.5 * s, 13 * s], fill=sprout)
        draw.ellipse([15.5 * s, 7 * s, 23 * s, 11.5 * s], fill=sprout)
        return image.resize((size, size), Image.LANCZOS)

    bubble_with_sprout(192, GREEN, WHITE, GREEN).save(directory / "color.png")
    outline = bubble_with_sprout(32, (0, 0, 0, 0), WHITE, (0, 0, 0, 0))
    # Teams wants the outline icon white on transparent only: keep the alpha, make every pixel white.
    alpha = outline.getchannel("A")
    white = Image.new("RGBA", outline.size, WHITE)
    white.putalpha(alpha)
    white.save(directory / "outline.png")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leercoach.channels.teams_package", description=__doc__)
    parser.add_argument(
        "--draw-icons", action="store_true", help="redraw teams/color.png and teams/outline.png"
    )
    args = parser.parse_args(argv)
    if args.draw_icons:
        draw_icons()
        print(f"Icons drawn in {TEAMS_DIR}")
        return 0
    try:
        package = build_package(dict(os.environ))
    except PackageError as problem:
        print(f"teams-package: {problem}", file=sys.stderr)
        return 1
    print(
        f"Teams app package: {package.relative_to(PROJECT_ROOT)} (upload it in Teams: Apps → Manage your apps → Upload an app)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
