"""The standalone emulator: the WSGI app on waitress, a real HTTP server."""

import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from pulumi_alisms.emulator.app import MAX_BODY_BYTES, EmulatorApp

DEFAULT_CONNECTION_LIMIT = 100
DEFAULT_CHANNEL_TIMEOUT = 30
# waitress counts its listening socket and its wake-up trigger against its connection limit.
_WAITRESS_OWN_SOCKETS = 2


class EmulatorServer:
    """A waitress server for an :class:`EmulatorApp`; port 0 picks a free port.

    ``connection_limit`` caps the open client connections (more wait in the listen backlog);
    ``channel_timeout`` closes a connection that sent nothing for that many seconds while no request
    of it is running: idle keep-alive connections and clients that stall mid-request.
    """

    def __init__(
        self,
        app: EmulatorApp,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        *,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        channel_timeout: int = DEFAULT_CHANNEL_TIMEOUT,
    ) -> None:
        if connection_limit < 1 or channel_timeout < 1:
            raise ValueError("the connection limit and the channel timeout must be at least 1")
        self.app = app
        self.connection_limit = connection_limit
        self.channel_timeout = channel_timeout
        self._server: Any = create_server(
            app, host=host, port=port, threads=threads, ident="alisms-emulator",
            connection_limit=connection_limit + _WAITRESS_OWN_SOCKETS, channel_timeout=channel_timeout,
            cleanup_interval=1,  # look for timed-out connections every second, not every 30
            max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses sizes >= its limit; the app allows == cap
        )  # fmt: skip
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
