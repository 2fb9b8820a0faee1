"""Server-side SVG charts (matplotlib, no script, no CDN) of the Inzichten figures; only rows that
are not suppressed are drawn."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

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


def svg(figure: Figure) -> bytes:
    rows = figure.shown
    fig, ax = plt.subplots(
        figsize=(7.5, 3.6 if figure.name in LINE_CHARTS else max(2.2, 0.32 * len(rows) + 1))
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
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        return out.getvalue()
    finally:
        plt.close(fig)
