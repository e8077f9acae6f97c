import socketserver
import struct
import threading

import pytest

from tests.documents.samples import EICAR


class _ClamdHandler(socketserver.BaseRequestHandler):
    """Speaks clamd's INSTREAM protocol: reads the command and the length-prefixed chunks, then
    answers OK, or FOUND for the EICAR test string, or an error when told to."""

    def handle(self) -> None:
        sock = self.request
        server: StubClamd = self.server  # type: ignore[assignment]
        buffer = b""

        def read(n: int) -> bytes:
            nonlocal buffer
            while len(buffer) < n:
                part = sock.recv(65536)
                if not part:
                    raise ConnectionError
                buffer += part
            out, buffer = buffer[:n], buffer[n:]
            return out

        command = read(len(b"zINSTREAM\0"))
        server.commands.append(command)
        data = b""
        while True:
            (length,) = struct.unpack("!L", read(4))
            if not length:
                break
            data += read(length)
        server.received.append(data)
        if server.mode == "error":
            reply = b"INSTREAM size limit exceeded. ERROR\0"
        elif EICAR in data:
            reply = b"stream: Eicar-Test-Signature FOUND\0"
        else:
            reply = b"stream: OK\0"
        sock.sendall(reply)


class StubClamd(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ClamdHandler)
        self.commands: list[bytes] = []
        self.received: list[bytes] = []
        self.mode = "ok"


@pytest.fixture
def clamd(settings):
    server = StubClamd()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = f"tcp://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
