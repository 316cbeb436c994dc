"""A second launch on the same library brings the running window forward
instead of opening the database twice (a lock file plus a local socket)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from lectern.core.store.instance_lock import InstanceLock


def server_name(library_path: Path) -> str:
    digest = hashlib.sha1(str(Path(library_path).resolve()).encode()).hexdigest()[:16]
    return f"lectern-{digest}"


class SingleInstance(QObject):
    """`claim()` is True for the first process on a library; later ones ask it
    to come forward (`activated` fires there) and get False."""

    activated = Signal()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock = InstanceLock(library_path)
        self.name = server_name(library_path)
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        if not self.lock.acquire():
            self._ask_first_to_raise()
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a crash
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)
        self.server.listen(self.name)
        return True

    def _ask_first_to_raise(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(2000):
            socket.write(b"raise\n")
            socket.flush()
            socket.waitForBytesWritten(2000)
            socket.disconnectFromServer()

    def _connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll()).startswith(b"raise"):
            self.activated.emit()
        connection.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.release()
