"""Server-side SVG charts (matplotlib, no script, no CDN) of the Inzichten figures; only rows that
are not suppressed are drawn."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from leercoach.review.insights import Figure

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "leercoach",
    }
)
COLOURS = ["#1f5f99", "#e07b00"]  # contrast ≥ 4.5:1 on white
LINE_CHARTS = {"per_dag", "per_week", "fallback"}
WIDTH = 7.5  # inches
_TEXT = TextToPath()
PAD = 18  # points between a tick label and the axis (tick and padding) plus a margin to the edge


def _width(labels, size: float) -> float:
    """The widest of `labels` in points, as matplotlib will set them (its own font metrics)."""
    font = FontProperties(size=size)
    return max(
        (_TEXT.get_text_width_height_descent(str(t), font, ismath=False)[0] for t in labels), default=0
    )


def _margins(fig, left: float, bottom: float, right: float = 20, top: float = 8) -> None:
    """Fixed margins (points) measured from the labels: the same room tight_layout would make,
    without its extra drawing pass (a third of the time of a chart)."""
    width, height = fig.get_size_inches() * 72
    fig.subplots_adjust(
        left=min(0.6, left / width),
        bottom=min(0.6, bottom / height),
        right=1 - right / width,
        top=1 - top / height,
    )


def svg(figure: Figure) -> bytes:
    rows = figure.shown
    fig, ax = plt.subplots(
        figsize=(WIDTH, 3.6 if figure.name in LINE_CHARTS else max(2.2, 0.32 * len(rows) + 1))
    )
    try:
        if not rows:
            ax.text(
                0.5, 0.5, "te weinig gesprekken om te tonen", ha="center", va="center", transform=ax.transAxes
            )
            ax.set_axis_off()
        elif figure.name in LINE_CHARTS:
            labels = [r.label for r in rows]
            for index, column in enumerate(figure.columns):
                values = [(r.values[index] or 0) * (100 if figure.percent else 1) for r in rows]
                ax.plot(labels, values, marker="o", color=COLOURS[index % 2], label=column)
            ax.set_ylabel("%" if figure.percent else "aantal")
            ax.tick_params(axis="x", labelrotation=60, labelsize=8)
            ax.legend(frameon=False)
            highest = max(max((r.values[i] or 0) for r in rows) for i in range(len(figure.columns)))
            numbers = _width([f"{highest * (100 if figure.percent else 1) * 1.05:.1f}"], 10)
            rotated = _width(labels, 8) * math.sin(math.radians(60)) + 8
            _margins(fig, left=numbers + PAD + 16, bottom=rotated + PAD)
        else:
            labels = [r.label[:45] for r in reversed(rows)]
            height = 0.8 / len(figure.columns)
            for index, column in enumerate(figure.columns):
                values = [r.values[index] or 0 for r in reversed(rows)]
                positions = [i + index * height for i in range(len(rows))]
                ax.barh(positions, values, height=height, color=COLOURS[index % 2], label=column)
            ax.set_yticks([i + height * (len(figure.columns) - 1) / 2 for i in range(len(rows))], labels)
            if len(figure.columns) > 1:
                ax.legend(frameon=False)
            _margins(fig, left=_width(labels, 10) + PAD, bottom=12 + PAD)
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        return out.getvalue()
    finally:
        plt.close(fig)
