"""Charts as PNG images, for documents that cannot hold SVG (DOCX).

The PNG is the same SVG the page and the PDF show (templates/charts/score_bars.svg), rasterised
by CairoSVG with the system's Liberation Serif (fonts-liberation2), at print resolution.
"""

from __future__ import annotations

from flask import render_template

from tracker.charts import ScoreChart
from tracker.formatting import document_number

SCALE = 3  # about 250 dpi at the width the DOCX prints it


def chart_svg(chart: ScoreChart, fmt=document_number) -> str:
    return render_template("charts/score_bars.svg", chart=chart, fmt=fmt)


def chart_png(chart: ScoreChart, fmt=document_number) -> bytes:
    import cairosvg  # loaded on demand, as WeasyPrint is (see reports.pdf)

    svg = chart_svg(chart, fmt).replace("Tracker Liberation Serif, ", "")
    return cairosvg.svg2png(bytestring=svg.encode(), scale=SCALE, background_color="white")
