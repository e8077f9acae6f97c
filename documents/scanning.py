"""The malware-scan hook: ClamAV's daemon (clamd) when CLAMD_SOCKET is set.

clamd's INSTREAM command: `zINSTREAM\\0`, then the file in chunks, each prefixed with its length
as four bytes in network order, ended by a zero length; clamd answers `stream: OK`,
`stream: <signature> FOUND` or `... ERROR`. CLAMD_SOCKET is a Unix socket path or
`tcp://host:port`.
"""

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    detail: str


class ScannerUnavailable(Exception):
    """clamd could not be reached, or answered with an error: the file stays unscanned."""


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET)


def _connect() -> socket.socket:
    address = settings.CLAMD_SOCKET
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    return sock


def scan_stream(stream: IO[bytes]) -> ScanResult:
    """Send the file to clamd and read its verdict."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(f"The virus scanner could not be reached ({error}).") from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("OK"):
        return ScanResult(clean=True, detail="")
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(clean=False, detail=signature[:300])
    raise ScannerUnavailable(f"The virus scanner answered: {answer[:200] or 'nothing'}.")
