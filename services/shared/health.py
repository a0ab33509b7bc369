"""Health checks a service reports through its `health` RPC."""

import socket


def tcp_check(host, port, timeout=1.0):
    """Return "ok" when a TCP connection opens, or the error text."""
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return "ok"
    except OSError as exc:
        return f"error: {exc.strerror or type(exc).__name__}"
