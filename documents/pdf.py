"""PDFs made by this system (letters, minutes) with WeasyPrint, from our own templates only."""

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (autoescaped) to PDF. The fetcher allows no protocol at all:
    nothing is read from a file, the network or a data: URL."""
    from weasyprint import HTML, URLFetcher  # loads Pango: only when a PDF is made

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
    return pdf
