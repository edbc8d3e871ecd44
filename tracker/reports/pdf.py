"""Official documents as PDF: Jinja HTML and CSS rendered by WeasyPrint.

The fonts are the package's own (Liberation Serif 2.x, metric-compatible with Times New Roman
and complete for Vietnamese), so every machine renders the same page. WeasyPrint may fetch only
the package's static files: a document never reaches the network or the file system elsewhere.

WeasyPrint is imported when a document is rendered, not when the app starts: it adds some
30 MB to every web worker, and most requests never make a PDF.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template

STATIC_PREFIX = "tracker-static:"


def static_root() -> Path:
    return Path(current_app.static_folder).resolve()


def package_fetcher(root: Path):
    """A WeasyPrint URL fetcher that serves ``tracker-static:`` URLs and refuses the rest."""
    from weasyprint.urls import URLFetcher

    class PackageURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_PREFIX):
                raise ValueError(f"PDF resources must come from the package: {url!r}")
            relative = urlsplit(url[len(STATIC_PREFIX):]).path.lstrip("/")
            path = (root / relative).resolve()
            if root not in path.parents:
                raise ValueError(f"outside the static folder: {url!r}")
            return super().fetch(path.as_uri(), headers)

    return PackageURLFetcher(allowed_protocols=("file",), fail_on_errors=True)


def render_pdf(template: str, **context) -> bytes:
    """Render ``templates/pdf/<template>`` to PDF bytes, in the official layout."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_template(f"pdf/{template}", static=STATIC_PREFIX, **context)
    fonts = FontConfiguration()
    fetcher = package_fetcher(static_root())
    stylesheet = CSS(string=render_template("pdf/nd30.css", static=STATIC_PREFIX),
                     font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
