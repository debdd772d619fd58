"""A bar chart in block characters, each bar with its label and its value written out
(the length is never the only way to read the number)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from kiosk.services.reports import Chart

BAR_WIDTH = 30
EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A bar `width` cells long at `largest`, drawn to an eighth of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return "█" * (eighths // 8) + EIGHTHS[eighths % 8].strip()


def chart_text(chart: Chart) -> Text:
    if not chart.bars:
        return Text()
    largest = 100 if chart.unit == "%" else max(value for _label, value in chart.bars)
    label_width = max(cell_len(label) for label, _value in chart.bars)
    text = Text(chart.title, style="bold")
    for label, value in chart.bars:
        shown = f"{value:g}{chart.unit}"
        padding = " " * (label_width - cell_len(label))
        text.append(f"\n{label}{padding} {bar(value, largest):<{BAR_WIDTH}} {shown}")
    return text


class BarChart(Static):
    def __init__(self, chart: Chart, **kwargs):
        super().__init__(chart_text(chart), **kwargs)
