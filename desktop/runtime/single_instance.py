"""A second launch on the same library brings the running window forward
instead of opening the database twice (a lock file plus a local socket), and
hands it the files it was asked to import (`lectern --import-files`, or the
menu entry opening a .bib), so that the running window imports them.

The message is one JSON line: {"raise": true, "import": ["/abs/path", ...]};
the running window answers one JSON line {"ok": true, "import": N} once it has
taken the files. The old plain `raise` line is still understood. The socket is
for this user only; a message over MAX_MESSAGE bytes, or not JSON of that
shape, is ignored."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from lectern.core.store.instance_lock import InstanceLock

MAX_MESSAGE = 1024 * 1024  # bytes: thousands of paths
MAX_FILES = 1000
CONNECT_MS = 5000  # how long a second launch waits to reach the running window
ANSWER_MS = 20000  # and for its answer (sent from its event loop: a window still opening answers late)


def server_name(library_path: Path) -> str:
    digest = hashlib.sha1(str(Path(library_path).resolve()).encode()).hexdigest()[:16]
    return f"lectern-{digest}"


def handed_files(message: bytes) -> list[str] | None:
    """The absolute paths a second launch asked to import (None: not a
    message from Lectern; [] for a plain "come forward")."""
    if message.strip() == b"raise":
        return []
    try:
        data = json.loads(message.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("raise") is not True:
        return None
    files = data.get("import", [])
    if not isinstance(files, list) or len(files) > MAX_FILES:
        return None
    if not all(isinstance(f, str) and f and "\x00" not in f and Path(f).is_absolute() for f in files):
        return None
    return files


class SingleInstance(QObject):
    """`claim()` is True for the first process on a library; later ones ask it
    to come forward (`activated` fires there) and to import their files
    (`filesHanded` fires there with the absolute paths), and get False;
    `handed` then says whether the running window took the files."""

    activated = Signal()
    filesHanded = Signal(list)

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock = InstanceLock(library_path)
        self.name = server_name(library_path)
        self.server: QLocalServer | None = None
        self.handed: bool = False  # a later launch: the running window answered
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def claim(self, import_files: list[Path] | None = None) -> bool:
        if not self.lock.acquire():
            self.handed = self._ask_first(import_files or [])
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a crash
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # no other user may connect
        self.server.newConnection.connect(self._connection)
        self.server.listen(self.name)
        return True

    def _ask_first(self, files: list[Path]) -> bool:
        """Ask the running window to come forward and import `files`; True once it answers."""
        message = json.dumps({"raise": True, "import": [str(Path(f).absolute()) for f in files]}) + "\n"
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(message.encode("utf-8"))
        socket.flush()
        socket.waitForBytesWritten(CONNECT_MS)
        answer = bytearray()
        while b"\n" not in answer and socket.waitForReadyRead(ANSWER_MS):
            answer += bytes(socket.readAll())
        socket.disconnectFromServer()
        try:
            return json.loads(bytes(answer).decode("utf-8")).get("ok") is True
        except (UnicodeDecodeError, ValueError, AttributeError):
            return False

    def _connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            self._buffers[connection] = bytearray()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(lambda c=connection: self._forget(c))

    def _forget(self, connection: QLocalSocket) -> None:
        self._buffers.pop(connection, None)
        connection.deleteLater()

    def _read(self, connection: QLocalSocket) -> None:
        buffer = self._buffers.get(connection)
        if buffer is None:
            return
        buffer += bytes(connection.readAll())
        if b"\n" not in buffer and len(buffer) <= MAX_MESSAGE:
            return  # the rest of the line is still coming
        del self._buffers[connection]
        files = handed_files(bytes(buffer).split(b"\n", 1)[0]) if len(buffer) <= MAX_MESSAGE else None
        if files is not None:
            connection.write((json.dumps({"ok": True, "import": len(files)}) + "\n").encode())
            connection.flush()
            self.activated.emit()
            if files:
                self.filesHanded.emit(files)
        connection.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.release()
