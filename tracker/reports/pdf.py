"""Official documents as PDF: Jinja HTML and CSS rendered by WeasyPrint.

The fonts are the package's own (Liberation Serif 2.x, metric-compatible with Times New Roman
and complete for Vietnamese), so every machine renders the same page. WeasyPrint may fetch only
the package's static files: a document never reaches the network or the file system elsewhere.

WeasyPrint is imported when a document is rendered, not when the app starts: it adds some
30 MB to every web worker, and most requests never make a PDF.

WeasyPrint uses one core: a report with a long appendix (the monthly evaluation has a page
per unit) is rendered by several processes at once, in pieces joined with pypdf
(``render_report``).
"""

from __future__ import annotations

import gc
import io
import math
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
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


def stylesheet(first_page: int = 1) -> str:
    return render_template("pdf/nd30.css", static=STATIC_PREFIX, first_page=first_page)


def layout(html: str, css: str, root: str):
    """Lay out one HTML document in the official style: a WeasyPrint document."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = package_fetcher(Path(root))
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=css, font_config=fonts, url_fetcher=fetcher)], font_config=fonts)


# Collect young objects every 50,000 allocations instead of 700 while rendering.
RENDER_GC_THRESHOLDS = (50_000, 10, 10)


class _Collections:
    """WeasyPrint makes millions of short-lived objects, and the cyclic garbage collector's
    frequent young collections cost about a fifth of a long render: collect less often while
    any render runs in this process (measured on 200 units: 6.7 s, 5.5 s with these
    thresholds, same peak memory). Counted, as a threaded worker may render two at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.renders = 0
        self.saved = gc.get_threshold()

    @contextmanager
    def fewer(self):
        with self.lock:
            if self.renders == 0:
                self.saved = gc.get_threshold()
                gc.set_threshold(*RENDER_GC_THRESHOLDS)
            self.renders += 1
        try:
            yield
        finally:
            with self.lock:
                self.renders -= 1
                if self.renders == 0:
                    gc.set_threshold(*self.saved)


rendering_gc = _Collections()


def write_piece(html: str, css: str, root: str) -> tuple[bytes, int]:
    """One document's PDF bytes and number of pages; plain values in and out, so that it can
    run in another process."""
    with rendering_gc.fewer():
        document = layout(html, css, root)
        return document.write_pdf(), len(document.pages)


def render_pdf(template: str, **context) -> bytes:
    """Render ``templates/pdf/<template>`` to PDF bytes, in the official layout."""
    html = render_template(f"pdf/{template}", static=STATIC_PREFIX, **context)
    return write_piece(html, stylesheet(), str(static_root()))[0]


def workers() -> int:
    configured = current_app.config.get("PDF_WORKERS")
    return max(1, configured if configured else min(4, len(os.sched_getaffinity(0))))


def pool_context():
    """How the processes start: ``fork`` is quickest (they inherit the loaded WeasyPrint) but
    unsafe where other threads run (a gthread web worker); there, a fork server, which loads
    WeasyPrint once per process that uses it."""
    method = current_app.config.get("PDF_START_METHOD") or (
        "fork" if threading.active_count() == 1 else "forkserver")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # "__main__" is multiprocessing's own default: the script that started this process
        # is imported once by the server rather than by every process it forks.
        context.set_forkserver_preload(["__main__", __name__, "weasyprint"])
    return context


def start_piece_process() -> None:
    """Set up a process that renders pieces.

    A forked process has the parent's objects (its database connections among them, which it
    never uses, and leaves with ``os._exit``): ``gc.freeze`` keeps its collections off them,
    instead of touching, and so copying, the whole of the parent's memory. It collects less
    often, as a render does, and ends if the process that started it dies (a web worker
    killed for a timeout), instead of waiting for work for ever.
    """
    gc.freeze()
    gc.set_threshold(*RENDER_GC_THRESHOLDS)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def render_report(template: str, appendix: str, sections: Sequence, **context) -> bytes:
    """A report and its appendix, in which each of ``sections`` has a page of its own.

    The appendix's pages are numbered on their own (Nghị định 30/2020: "số trang của phụ lục
    được đánh riêng"), so it need not wait for the report: with enough sections, other
    processes render it in pieces while this one renders the report. The appendix template
    gets ``sections`` (a piece's share) and ``heading`` (true in the piece that opens it).
    Page numbers run on across the pieces: each is told its first page number, guessed at one
    page per section, and is rendered again if the pieces before it ran longer (how many
    pages a piece takes does not depend on the numbers printed on them).
    """
    root = str(static_root())
    report = render_template(f"pdf/{template}", static=STATIC_PREFIX, **context)
    if not sections:
        return write_piece(report, stylesheet(), root)[0]
    count = min(workers(), len(sections) // max(1, current_app.config["PDF_SECTIONS_PER_PIECE"]))
    if count <= 1:
        html = render_template(f"pdf/{appendix}", static=STATIC_PREFIX, sections=sections,
                               heading=True, **context)
        return join([write_piece(report, stylesheet(), root)[0],
                     write_piece(html, stylesheet(), root)[0]])
    size = math.ceil(len(sections) / count)
    pieces = [render_template(f"pdf/{appendix}", static=STATIC_PREFIX,
                              sections=sections[start:start + size], heading=start == 0,
                              **context)
              for start in range(0, len(sections), size)]
    starts = [1 + start for start in range(0, len(sections), size)]
    import weasyprint  # noqa: F401  (before the processes fork, so that they inherit it)

    with ProcessPoolExecutor(max_workers=len(pieces), mp_context=pool_context(),
                             initializer=start_piece_process) as pool:
        try:
            jobs = [pool.submit(write_piece, piece, stylesheet(first), root)
                    for piece, first in zip(pieces, starts, strict=True)]
            report_pdf = write_piece(report, stylesheet(), root)[0]
            results = [job.result() for job in jobs]
            first = 1
            for i, piece in enumerate(pieces):
                if starts[i] != first:
                    jobs[i] = pool.submit(write_piece, piece, stylesheet(first), root)
                first += results[i][1]
            results = [job.result() for job in jobs]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return join([report_pdf] + [pdf for pdf, _pages in results])


def join(pdfs: Sequence[bytes]) -> bytes:
    """One PDF from several, in order, keeping the first one's metadata."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdfs[0])))
    for index, pdf in enumerate(pdfs[1:], start=1):
        reader = PdfReader(io.BytesIO(pdf))
        retag_font_subsets(reader, index)
        writer.append(reader)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def retag_font_subsets(reader, shift: int) -> None:
    """Give the embedded font subsets of one piece tags of their own.

    Different subsets in one file must have different tags (the "ABCDEF+" of a font name,
    PDF 1.7 § 9.6.4); WeasyPrint derives the tag from the font, so each piece's subset of the
    same font has the same one. The tag's letters are shifted by the piece's number.
    """
    from pypdf.generic import NameObject

    def shifted(name: str) -> str:
        tag, plus, rest = name.lstrip("/").partition("+")
        if not plus or len(tag) != 6 or not tag.isupper():
            return name
        return "/" + "".join(chr(65 + (ord(c) - 65 + shift) % 26) for c in tag) + "+" + rest

    done: set[int] = set()
    for page in reader.pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            font = reference.get_object()
            if id(font) in done:
                continue
            done.add(id(font))
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                part[NameObject("/BaseFont")] = NameObject(shifted(part["/BaseFont"]))
                if "/FontDescriptor" in part:
                    descriptor = part["/FontDescriptor"].get_object()
                    descriptor[NameObject("/FontName")] = NameObject(
                        shifted(descriptor["/FontName"]))
