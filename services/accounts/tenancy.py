"""Tenancy: provinces, agencies (effective-dated) and departments."""

import datetime as dt

from sqlalchemy import select

from services.contracts import accounts as contract
from services.shared.errors import NotFound, detail
from services.shared.permissions import require, require_visible
from services.shared.schemas import load

from . import store, views
from .exceptions import AlreadyExists
from .models import Agency, Department, Province


def create_province(session, caller, data):
    require(caller, "province.manage")
    data = load(contract.ProvinceSchema(), data)
    if session.get(Province, data["code"]):
        raise AlreadyExists("Already exists", {"code": [detail("already_exists")]})
    row = Province(
        code=data["code"],
        name_vi=data["name"],
        name_en=data.get("name_en"),
        kind=data["kind"],
        valid_from=dt.date.today(),
    )
    session.add(row)
    store.audit(session, caller, "province.create", row.code, province=row.code)
    return views.province(row)


def list_provinces(session):
    rows = session.scalars(select(Province).order_by(Province.code))
    return [views.province(r) for r in rows]


def get_province(session, code):
    return views.province(store.province(session, code))


def create_agency(session, caller, data):
    require(caller, "agency.manage")
    data = load(contract.AgencySchema(), data)
    store.province(session, data["province"])
    require_visible(caller, province=data["province"])
    if session.scalar(select(Agency).where(Agency.code == data["code"])):
        raise AlreadyExists("Already exists", {"code": [detail("already_exists")]})
    row = Agency(
        code=data["code"],
        name=data["name"],
        province=data["province"],
        valid_from=data.get("valid_from") or dt.date.today(),
    )
    session.add(row)
    if data.get("replaces"):
        _retire(session, caller, data["replaces"], row)
    store.audit(
        session,
        caller,
        "agency.create",
        row.code,
        province=row.province,
        agency=row.code,
    )
    return views.agency(row, [])


def _retire(session, caller, old_code, successor):
    """Close an agency merged into or renamed as `successor` (history is kept)."""
    old = store.agency(session, old_code)
    require_visible(caller, province=old.province)
    old.valid_to = successor.valid_from - dt.timedelta(days=1)
    old.replaced_by = successor.code


def list_agencies(session, province=None, include_closed=False):
    query = select(Agency).order_by(Agency.province, Agency.code)
    if province:
        query = query.where(Agency.province == province)
    if not include_closed:
        query = query.where(
            (Agency.valid_to.is_(None)) | (Agency.valid_to >= dt.date.today())
        )
    return [views.agency(r) for r in session.scalars(query)]


def get_agency(session, code):
    row = session.scalar(select(Agency).where(Agency.code == str(code or "")))
    if row is None:
        raise NotFound("Not found")
    return views.agency(row, _departments(session, row.code))


def _departments(session, agency_code):
    return session.scalars(
        select(Department)
        .where(Department.agency == agency_code)
        .order_by(Department.code)
    ).all()


def create_department(session, caller, data):
    require(caller, "department.manage")
    data = load(contract.DepartmentSchema(), data)
    agency = store.agency(session, data["agency"])
    require_visible(caller, province=agency.province, agency=agency.code)
    exists = session.scalar(
        select(Department).where(
            Department.agency == agency.code, Department.code == data["code"]
        )
    )
    if exists:
        raise AlreadyExists("Already exists", {"code": [detail("already_exists")]})
    row = Department(agency=agency.code, code=data["code"], name=data["name"])
    session.add(row)
    store.audit(
        session,
        caller,
        "department.create",
        f"{agency.code}/{row.code}",
        province=agency.province,
        agency=agency.code,
    )
    return views.department(row)


def list_departments(session, agency=None):
    query = select(Department).order_by(Department.agency, Department.code)
    if agency:
        query = query.where(Department.agency == agency)
    return [views.department(r) for r in session.scalars(query)]
