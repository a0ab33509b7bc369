"""The search service's one name cache (users' and agencies' names, NAME_TTL)."""

import pytest

from services.search import service
from services.shared.errors import NotFound, Unavailable


class Peer:
    """Answers names from `known`; unknown keys 404; `down` 503s everything."""

    def __init__(self, known):
        self.known, self.down, self.asked = known, False, []

    def __call__(self, key):
        self.asked.append(key)
        if self.down:
            raise Unavailable("down", {})
        if key not in self.known:
            raise NotFound("no such", {})
        return self.known[key]


def test_names_are_looked_up_once_an_unknown_key_has_none():
    peer, cache = Peer({"a": "Anh"}), {}
    assert service.cached_names(cache, ["a", "x"], peer) == {"a": "Anh", "x": None}
    assert service.cached_names(cache, ["a", "x"], peer) == {"a": "Anh", "x": None}
    assert peer.asked == ["a", "x"]  # the second time from the cache


def test_a_peer_down_raises_or_leaves_the_key_out_uncached():
    peer, cache = Peer({"a": "Anh"}), {}
    peer.down = True
    with pytest.raises(Unavailable):
        service.cached_names(cache, ["a"], peer)
    assert service.cached_names(cache, ["a"], peer, skip_down=True) == {}
    assert cache == {}
    peer.down = False
    assert service.cached_names(cache, ["a"], peer, skip_down=True) == {"a": "Anh"}


def test_a_name_older_than_the_ttl_is_looked_up_again(monkeypatch):
    peer, cache = Peer({"a": "Anh"}), {}
    service.cached_names(cache, ["a"], peer)
    peer.known["a"] = "Anh Mới"
    later = cache["a"][1] + service.NAME_TTL + 1
    monkeypatch.setattr(service.time, "monotonic", lambda: later)
    assert service.cached_names(cache, ["a"], peer) == {"a": "Anh Mới"}
    assert peer.asked == ["a", "a"]
