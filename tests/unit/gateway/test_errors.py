"""An error answers the one JSON error body, even after a download began."""

import io

import falcon
import falcon.testing
import pytest

from gateway import errors, settings
from gateway.app import create_app
from services.shared import config
from services.shared.errors import ServiceError

from .test_middleware import NoRpc


class HalfSent:
    """A download that fails after it set its stream, type and file name."""

    def __init__(self, failure):
        self.failure = failure
        self.stream = None

    def on_get(self, req, resp):
        self.stream = io.BytesIO(b"%PDF-1.7")
        resp.content_type = "application/pdf"
        resp.set_stream(self.stream, 8)
        resp.downloadable_as = "ket-qua.pdf"
        raise self.failure


@pytest.mark.parametrize(
    "failure, status, code",
    [
        (falcon.HTTPInvalidParam("not a boolean", "download"), 400, "BAD_REQUEST"),
        (
            ServiceError("gone", code="FILE_NOT_FOUND", status=404),
            404,
            "FILE_NOT_FOUND",
        ),
        (RuntimeError("bug"), 500, "INTERNAL_ERROR"),
    ],
)
def test_a_failed_download_answers_the_json_error_body(failure, status, code):
    app = falcon.App()
    errors.install(app)
    resource = HalfSent(failure)
    app.add_route("/download", resource)
    resp = falcon.testing.TestClient(app).simulate_get("/download")
    assert resp.status_code == status
    assert resp.headers["Content-Type"].startswith("application/json")
    assert "Content-Disposition" not in resp.headers
    assert resp.json["error"]["code"] == code
    assert resource.stream.closed


@pytest.mark.parametrize("path", ["/api/v1/files/x/content", "/api/v1/templates/x/pdf"])
def test_a_bad_download_flag_is_refused_before_any_service_is_asked(path):
    cfg = config.load(settings.SETTINGS, {})
    client = falcon.testing.TestClient(create_app(NoRpc(), cfg))
    resp = client.simulate_get(path, params={"download": "10000000.0"})
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "VALIDATION_ERROR"
    assert "download" in resp.json["error"]["details"]
