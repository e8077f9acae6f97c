"""Small files of each kind, made here (synthetic: no real document is used)."""

import io
import struct
import zipfile
import zlib

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf(text: str = "Synthetic report") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack("!I", len(data))
            + kind
            + data
            + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack("!IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\x00" * 32
        + b"\xff\xd9"
    )


def gif() -> bytes:
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def webp() -> bytes:
    payload = b"WEBPVP8 " + struct.pack("<I", 10) + b"\x00" * 10
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def docx(extra: list[tuple[str, bytes]] | None = None) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
            *(extra or []),
        ]
    )


def odt() -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest/>"),
        ],
        stored_first=True,
    )


def doc() -> bytes:
    # An OLE2 compound file header with Word's class id where filetype looks for it.
    header = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    body = bytearray(b"\x00" * 1024)
    body[0:4] = b"\xec\xa5\xc1\x00"  # the Word FIB magic
    return bytes(header + body)


def text() -> bytes:
    return b"Notes from the health visitor (synthetic).\nAll well.\n"


def exe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 46
        + b"PE\x00\x00"
        + b"\x00" * 200
    )


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 120


def zip_archive() -> bytes:
    return _zip([("report.txt", b"hello")])


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def pdf_zip_polyglot() -> bytes:
    """A PDF that is also a ZIP archive (a payload appended after %%EOF)."""
    return pdf() + _zip([("evil.jar", b"\xca\xfe\xba\xbe")])


def gifar() -> bytes:
    """The classic GIF + JAR polyglot."""
    return gif() + _zip([("META-INF/MANIFEST.MF", b"Main-Class: X\n")])


def png_with_trailer() -> bytes:
    return png() + b"<script>alert(1)</script>"


def pdf_with_javascript() -> bytes:
    return pdf().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>")


def docx_with_macros() -> bytes:
    return docx([("word/vbaProject.bin", b"\x00" * 16)])
