"""The standalone emulator: the WSGI app on waitress, a real HTTP server."""

import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from pulumi_alisms.emulator.app import EmulatorApp


class EmulatorServer:
    """A waitress server for an :class:`EmulatorApp`; port 0 picks a free port."""

    def __init__(self, app: EmulatorApp, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.app = app
        self._server: Any = create_server(app, host=host, port=port, threads=threads, ident="alisms-emulator")
        self.host = host
        self.port: int = self._server.effective_port
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL clients use as their endpoint."""
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`close`."""
        self._server.run()

    def start(self) -> "EmulatorServer":
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="alisms-emulator", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving: finish running requests, then close the listening socket and every open connection."""
        self._server.task_dispatcher.shutdown()
        # Close from inside the serving loop's thread: closing sockets under a running poll() races.
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._server._map))
        if self._thread is not None:
            self._thread.join(timeout=5)
