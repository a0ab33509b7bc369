"""What an Idempotency-Key's fingerprint covers (pure logic)."""

import falcon.testing

from gateway.idempotency import KEY, fingerprint, redacted


def request(body, path="/api/v1/accounts", content_type="application/json"):
    env = falcon.testing.create_environ(
        path=path, method="POST", body=body, headers={"Content-Type": content_type}
    )
    return falcon.Request(env)


def test_the_same_object_serialised_differently_has_one_fingerprint():
    a = fingerprint(request('{"a": 1, "b": [1, 2]}'))
    b = fingerprint(request('{"b":[1,2],"a":1}'))
    assert a == b


def test_another_body_path_or_query_has_another_fingerprint():
    base = fingerprint(request('{"a": 1}'))
    assert fingerprint(request('{"a": 2}')) != base
    assert fingerprint(request('{"a": 1}', path="/api/v1/dossiers")) != base
    assert fingerprint(request('{"a": 1}', path="/api/v1/accounts?x=1")) != base


def test_no_password_goes_into_the_fingerprint():
    body = {"email": "a@b.vn", "password": "Mật-khẩu-1", "nested": {"new_password": 1}}
    assert redacted(body) == {
        "email": "a@b.vn",
        "password": "<secret>",
        "nested": {"new_password": "<secret>"},
    }
    one = fingerprint(request('{"email": "a@b.vn", "password": "one"}'))
    two = fingerprint(request('{"email": "a@b.vn", "password": "two"}'))
    assert one == two


def test_a_malformed_body_has_no_fingerprint():
    assert fingerprint(request('{"a": ')) is None


def test_keys_are_bounded_in_length_and_characters():
    assert KEY.fullmatch("0f8fad5b-d9cb-469f-a165-70867728950e")
    assert KEY.fullmatch("x" * 255) and not KEY.fullmatch("x" * 256)
    for bad in ("", "a b", "a/b", "ký", "a\x00", "a\n"):
        assert not KEY.fullmatch(bad)
