"""HTTP to webhook endpoints, connected to the address that was checked.

`domain.check_target` resolves the endpoint's host once per try and checks every
address; this module connects to those addresses and never resolves the name again,
so a name that answers a public address to the check and a private one to the
connection (DNS rebinding) cannot steer a try inside. The name still goes in the
Host header, and for https in the TLS handshake (SNI) and the certificate check.

One urllib3 pool per (scheme, address, port, name) keeps connections alive between
the tries of an endpoint, as many as the tries it may have in flight
(PORTAL_WEBHOOK_IN_FLIGHT); a host that resolves elsewhere later gets a new pool.
"""

import threading
from collections import OrderedDict

import certifi
import urllib3
from urllib3.exceptions import NewConnectionError

POOLS = 256  # pools kept (least recently used dropped): one per endpoint address


class Answer:
    def __init__(self, status, headers):
        self.status, self.headers = status, headers


class PinnedTransport:
    def __init__(self, timeout, pools=POOLS, connections=2):
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.pools, self.size, self.lock = OrderedDict(), pools, threading.Lock()
        self.connections = connections  # kept per pool: an endpoint's tries at once

    def pool(self, target, address):
        key = (target.scheme, address, target.port, target.host)
        with self.lock:
            pool = self.pools.pop(key, None) or self._new(target, address)
            self.pools[key] = pool
            while len(self.pools) > self.size:
                self.pools.popitem(last=False)[1].close()
            return pool

    def _new(self, target, address):
        common = dict(timeout=self.timeout, retries=False, maxsize=self.connections)
        if target.scheme == "https":
            return urllib3.HTTPSConnectionPool(
                address,
                target.port,
                server_hostname=target.host,
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
                **common,
            )
        return urllib3.HTTPConnectionPool(address, target.port, **common)

    def post(self, target, body, headers):
        """POST `body` to the target at one of its checked addresses (the next one
        when a connection is refused); raise urllib3's errors."""
        headers = dict(headers, host=target.netloc)
        for index, address in enumerate(target.addresses):
            try:
                answer = self.pool(target, address).urlopen(
                    "POST",
                    target.path,
                    body=body,
                    headers=headers,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=True,
                )
            except NewConnectionError:
                if index == len(target.addresses) - 1:
                    raise
                continue
            return Answer(answer.status, answer.headers)
