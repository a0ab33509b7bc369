"""A thin XML-RPC client of the unoserver listener, with a socket-level time limit.

unoserver's own client asks the listener for its filter lists before every call and
retries a refused connection for 50 s; a conversion worker wants neither: one request
per conversion, and a refused or silent listener reported at once (within `timeout`).
"""

import xmlrpc.client


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class UnoListener:
    """Convert documents to PDF through one unoserver listener (host, port)."""

    def __init__(self, host, port, timeout):
        self.url = f"http://{host}:{port}"
        self.timeout = timeout

    def convert(self, inpath=None, indata=None, infilter=None, filtername=None):
        """Return the PDF bytes (raises socket.timeout, OSError or Fault)."""
        proxy = xmlrpc.client.ServerProxy(
            self.url, transport=_Transport(self.timeout), allow_none=True
        )
        with proxy:
            result = proxy.convert(
                inpath, indata, None, "pdf", filtername, [], False, infilter, None
            )
        return bytes(result.data) if result is not None else b""
