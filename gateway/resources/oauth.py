"""The OAuth 2.0 token endpoint (RFC 6749 §4.4) for agency systems."""

import base64
import binascii
from urllib.parse import unquote

import falcon
from marshmallow import fields, validate

from ..apidoc import Input
from ..errors import CodedHTTPError
from ..hooks import client_ip, not_cross_site
from .common import call, json_object, only

OAUTH_FIELDS = ("grant_type", "client_id", "client_secret", "scope")


class OAuthToken:
    """RFC 6749 §4.4 token endpoint: form-encoded (or JSON) body, or HTTP Basic."""

    # Its answer is an access token: never kept for Idempotency-Key replays.
    replays_answers = False

    def __init__(self, rpc):
        self.rpc = rpc

    def on_post(self, req, resp):
        not_cross_site(req)
        body = only(self._body(req), OAUTH_FIELDS)
        client_id, secret = self._basic(req) or (
            body.get("client_id"),
            body.get("client_secret"),
        )
        resp.media = call(
            self.rpc,
            req,
            "accounts",
            "oauth_token",
            body.get("grant_type"),
            client_id,
            secret,
            body.get("scope"),
            client_ip(req),
        )
        resp.set_header("Cache-Control", "no-store")

    @staticmethod
    def _body(req):
        if (req.content_type or "").startswith("application/x-www-form-urlencoded"):
            return dict(req.get_media() or {})
        return json_object(req)

    @staticmethod
    def _basic(req):
        header = req.get_header("Authorization") or ""
        if not header.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (ValueError, binascii.Error):
            raise CodedHTTPError(
                falcon.HTTP_401, "INVALID_CLIENT", "Invalid client credentials"
            ) from None
        user, _, password = raw.partition(":")
        return unquote(user), unquote(password)


class OAuthTokenInput(Input):
    grant_type = fields.String(
        required=True, validate=validate.OneOf(("client_credentials",))
    )
    client_id = fields.String(metadata={"description": "Or HTTP Basic."})
    client_secret = fields.String(metadata={"description": "Or HTTP Basic."})
    scope = fields.String(
        metadata={"description": "Space-separated subset of the client's scopes."}
    )
