"""What may be uploaded: decided by the file's content, never its name or the browser's word.

Allowed: PDF, JPEG, PNG, GIF, WebP, Word (.doc, .docx), OpenDocument text (.odt) and plain text.
Each allowed type is also checked for the tricks that make a file two things at once (a
polyglot): a PDF or image with a ZIP archive (a Java or Office payload) behind it, an image with
data after its end marker, a PDF with scripts, embedded files or launch actions, an Office
document with macros or an executable inside, text that a browser would run as HTML.
"""

import io
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "text/plain": "plain text",
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
}
ALLOWED_IN_WORDS = "PDF, JPEG, PNG, GIF or WebP images, Word or OpenDocument text, plain text"
ZIP_BASED = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
HTML_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<body", b"<iframe", b"<?xml")
EXECUTABLE_NAMES = (".exe", ".dll", ".js", ".vbs", ".bat", ".cmd", ".scr", ".ps1", ".jar", ".sh")


def max_upload_bytes() -> int:
    return int(settings.DOCUMENTS_MAX_UPLOAD_MB) * 1024 * 1024


@dataclass(frozen=True)
class Checked:
    content_type: str
    size: int


def refuse(why: str) -> ValidationError:
    return ValidationError(
        f"This file cannot be uploaded: {why}. The types allowed are: {ALLOWED_IN_WORDS}.",
        code="type",
    )


def check_upload(stream: IO[bytes], size: int) -> Checked:
    """The file's real type if it may be uploaded; else a ValidationError in the user's words."""
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(size)}: the largest file that can be uploaded is "
            f"{filesizeformat(limit)}.",
            code="size",
        )
    if size == 0:
        raise ValidationError("This file is empty.", code="empty")
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    kind = filetype.guess(data)
    mime = kind.mime if kind else _text_or_none(data)
    if mime is None:
        raise refuse("its content is not a type of document this system keeps")
    if mime not in ALLOWED:
        raise refuse(f"its content is of type {kind.extension.upper() if kind else mime}")
    _check_structure(mime, data)
    return Checked(content_type=mime, size=size)


def _text_or_none(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None
    return "text/plain"


def _check_structure(mime: str, data: bytes) -> None:
    if mime in ZIP_BASED:
        _check_office_zip(mime, data)
        return
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse("it has an archive hidden inside it (a file that is two types at once)")
    if mime == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise refuse("it is not a complete PDF")
        if any(marker in data for marker in PDF_ACTIVE):
            raise refuse("the PDF contains scripts, embedded files or actions")
    elif mime == "image/png":
        if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
            raise refuse("there is something else after the end of the image")
    elif mime == "image/jpeg":
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise refuse("there is something else after the end of the image")
    elif mime == "image/gif":
        if not data.rstrip(b"\x00").endswith(b"\x3b"):
            raise refuse("there is something else after the end of the image")
    elif mime == "image/webp":
        if int.from_bytes(data[4:8], "little") + 8 + (len(data) % 2) < len(data):
            raise refuse("there is something else after the end of the image")
    elif mime == "text/plain":
        head = data[:1024].lstrip().lower()
        if head.startswith(b"#!") or any(m in data[:4096].lower() for m in HTML_MARKERS):
            raise refuse("the text is a web page or a script")
    elif mime == "application/msword" and b"V\x00B\x00A\x00" in data:
        raise refuse("the Word document contains macros")


def _check_office_zip(mime: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if mime == "application/vnd.oasis.opendocument.text":
                ok = archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
            else:
                ok = "[Content_Types].xml" in names and "word/document.xml" in names
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise refuse("it is a damaged document") from None
    if not ok:
        raise refuse("it is not a complete document")
    lowered = [n.lower() for n in names]
    if any("vbaproject" in n or n.startswith("basic/") for n in lowered):
        raise refuse("the document contains macros")
    if any(n.endswith(EXECUTABLE_NAMES) for n in lowered):
        raise refuse("the document has a program inside it")
