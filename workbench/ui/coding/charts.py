"""Charts of retrieval tables in a matplotlib canvas (QtAgg): code frequencies per participant as
stacked bars, co-occurrence as a heat map with the counts written in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QWidget


class ChartCanvas(FigureCanvasQTAgg):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Figure(figsize=(6, 4), layout="constrained"))
        self.setParent(parent)
        self.kind = ""

    def show_frequencies(self, table: pd.DataFrame) -> None:
        """Stacked bars: one bar per participant, one colour per code."""
        self.figure.clear()
        ax = self.figure.add_subplot()
        self.kind = "frequencies"
        if table.empty or not len(table.columns):
            ax.text(0.5, 0.5, "No codings", ha="center", va="center", transform=ax.transAxes)
        else:
            bottom = [0] * len(table.index)
            for column in table.columns:
                values = [int(v) for v in table[column]]
                ax.bar([str(i) for i in table.index], values, bottom=bottom, label=str(column))
                bottom = [b + v for b, v in zip(bottom, values)]
            ax.set_ylabel("Codings")
            ax.set_xlabel("Participant")
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
        self.draw_idle()

    def show_cooccurrence(self, table: pd.DataFrame) -> None:
        """Heat map of a code × code table."""
        self.figure.clear()
        ax = self.figure.add_subplot()
        self.kind = "cooccurrence"
        if table.empty:
            ax.text(0.5, 0.5, "No codings", ha="center", va="center", transform=ax.transAxes)
        else:
            image = ax.imshow(table.values, cmap="Blues")
            labels = [str(c) for c in table.columns]
            ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize="small")
            ax.set_yticks(range(len(labels)), labels, fontsize="small")
            peak = table.values.max() or 1
            for i in range(len(labels)):
                for j in range(len(labels)):
                    value = int(table.values[i, j])
                    ax.text(
                        j,
                        i,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize="small",
                        color="white" if value > peak / 2 else "black",
                    )
            self.figure.colorbar(image, ax=ax)
        self.draw_idle()

    def save_png(self, path: Path) -> None:
        self.figure.savefig(path, dpi=100)
