"""Procedure catalogue and holiday calendars: HTTP ↔ dossiers RPC, nothing more."""

import falcon
from marshmallow import fields, validate

from services.contracts.accounts import PROVINCE
from services.contracts.dossiers import HolidaysSchema, ProcedureSchema
from services.contracts.resources import catalogue as res

from ..apidoc import PUBLIC, Input, op
from .common import call, json_object

QUERY = ("province", "agency", "q", "level")


class Procedures:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp):
        """List the published procedures of a province."""
        params = {k: req.get_param(k) for k in QUERY}
        items = call(self.rpc, req, "dossiers", "list_procedures", **params)
        resp.media = {"items": items, "total": len(items)}

    def on_post(self, req, resp):
        """Create a procedure (admins)."""
        body = json_object(req)
        resp.media = call(self.rpc, req, "dossiers", "create_procedure", body)
        resp.status = falcon.HTTP_201


class Procedure:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, code):
        """One procedure's current version."""
        province = req.get_param("province")
        resp.media = call(self.rpc, req, "dossiers", "get_procedure", code, province)

    def on_put(self, req, resp, code):
        """Publish a new version of a procedure (admins)."""
        body = json_object(req)
        resp.media = call(self.rpc, req, "dossiers", "update_procedure", code, body)

    def on_delete(self, req, resp, code):
        """Withdraw a procedure (admins): no new dossiers, out of the catalogue."""
        province = req.get_param("province")
        resp.media = call(
            self.rpc, req, "dossiers", "withdraw_procedure", code, province
        )


class Holidays:
    def __init__(self, rpc):
        self.rpc = rpc

    def on_get(self, req, resp, code, year):
        """A province's holidays in a year."""
        items = call(self.rpc, req, "dossiers", "get_holidays", code, year)
        resp.media = {"items": items, "total": len(items)}

    def on_put(self, req, resp, code, year):
        """Replace a province's holidays of a year: `{holidays: [{date, name}]}`."""
        body = json_object(req)
        items = call(
            self.rpc,
            req,
            "dossiers",
            "put_holidays",
            code,
            year,
            body.get("holidays"),
        )
        resp.media = {"items": items, "total": len(items)}


def routes(rpc):
    return [
        ("/api/v1/procedures", Procedures(rpc)),
        ("/api/v1/procedures/{code}", Procedure(rpc)),
        ("/api/v1/provinces/{code}/holidays/{year:int(4)}", Holidays(rpc)),
    ]


class ProcedureListQuery(Input):
    province = fields.String(metadata={"description": "Default: the caller's."})
    agency = fields.String()
    q = fields.String()
    level = fields.Integer(validate=validate.Range(1, 4))


class ProvinceQuery(Input):
    province = fields.String(metadata={"description": "Default: the caller's."})


PROVINCE_PATH = (("code", {"pattern": PROVINCE.regex.pattern}),)
OPERATIONS = {
    "GET /api/v1/procedures": op(
        "A province's published procedures.",
        query=ProcedureListQuery,
        ok=res.ProcedurePage,
        auth=PUBLIC,
    ),
    "POST /api/v1/procedures": op(
        "Create a procedure (admins); version 1 is published.",
        body=ProcedureSchema,
        ok=res.Procedure,
        status=201,
        errors=(409,),
        description="409 PROCEDURE_EXISTS; 422 LINK_NOT_ALLOWED for a link to an "
        "unlisted host.",
    ),
    "GET /api/v1/procedures/{code}": op(
        "A procedure's current version (form, documents, fee, days).",
        query=ProvinceQuery,
        ok=res.Procedure,
        auth=PUBLIC,
        example="Procedure",
        description="A caller without a province (anonymous, the operator) names "
        "it when several provinces have the procedure (422 otherwise).",
    ),
    "PUT /api/v1/procedures/{code}": op(
        "Publish a new version (admins); dossiers keep the version they were "
        "filed under.",
        body=ProcedureSchema,
        ok=res.Procedure,
    ),
    "DELETE /api/v1/procedures/{code}": op(
        "Withdraw a procedure (admins): it leaves the catalogue, its search and "
        "filing; dossiers filed under it keep their version.",
        query=ProvinceQuery,
        ok=res.Procedure,
        description="The managers of `PUT`; a national operator names the "
        "province. Withdrawing again answers the same; publishing a new version "
        "(`PUT`) offers it again.",
    ),
    "GET /api/v1/provinces/{code}/holidays/{year:int(4)}": op(
        "A province's holidays of a year (the national list on first use).",
        ok=res.HolidayPage,
        path=PROVINCE_PATH,
        auth=PUBLIC,
    ),
    "PUT /api/v1/provinces/{code}/holidays/{year:int(4)}": op(
        "Replace a province's holidays of a year (every date in that year).",
        body=HolidaysSchema,
        path=PROVINCE_PATH,
        ok=res.HolidayPage,
    ),
}
