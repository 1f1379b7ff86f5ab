"""Running one of the emulator's servers in a background thread, and stopping it."""

from __future__ import annotations

import socketserver
import threading


def serve_in_background(
    server: socketserver.BaseServer, name: str | None = None
) -> threading.Thread:
    """Start ``server.serve_forever`` in a daemon thread and return the thread."""
    # A short poll keeps stop quick; serve_forever wakes only to check for shutdown.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.005}, name=name, daemon=True
    )
    thread.start()
    return thread


def stop_serving(server: socketserver.BaseServer | None, thread: threading.Thread | None) -> None:
    """Stop a server started with `serve_in_background`, free its port, wait for its thread."""
    if server is not None:
        server.shutdown()
        server.server_close()
    if thread is not None:
        thread.join()
