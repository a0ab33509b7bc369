"""Dump database rows to the plain dicts the RPCs return (never ORM objects)."""


def _iso(value):
    return value.isoformat() if value is not None else None


def caller_of_user(user):
    """The caller dict the gateway attaches to requests of this user."""
    role = user.role or user.kind
    return {
        "user_id": str(user.public_id),
        "kind": user.kind,
        "roles": [role],
        "province": user.province,
        "agency": user.agency,
        "department": user.department,
        "scopes": [],
        "full_name": user.full_name,
        "email": user.email,
    }


def caller_of_client(client, scopes):
    return {
        "user_id": client.client_id,
        "kind": "client",
        "roles": [],
        "province": client.province,
        "agency": client.agency,
        "department": None,
        "scopes": list(scopes),
        "full_name": client.name,
        "email": None,
    }


def user(row, private=False):
    """Public view of a user; `private` adds what only the user and admins see."""
    body = {
        "id": str(row.public_id),
        "kind": row.kind,
        "email": row.email,
        "full_name": row.full_name,
        "role": row.role,
        "roles": [row.role or row.kind],
        "province": row.province,
        "agency": row.agency,
        "department": row.department,
        "status": row.status,
        "lang": row.lang,
        "business_name": row.business_name,
    }
    if private:
        body.update(
            phone=row.phone,
            national_id=row.national_id,
            tax_code=row.tax_code,
            address=row.address,
            date_of_birth=_iso(row.date_of_birth),
            created_at=_iso(row.created_at),
        )
    return body


def staff(row):
    return {
        "id": str(row.public_id),
        "email": row.email,
        "full_name": row.full_name,
        "role": row.role,
        "agency": row.agency,
        "department": row.department,
        "province": row.province,
        "status": row.status,
    }


def province(row):
    return {
        "code": row.code,
        "name": row.name_vi,
        "name_en": row.name_en,
        "kind": row.kind,
        "valid_from": _iso(row.valid_from),
        "valid_to": _iso(row.valid_to),
    }


def agency(row, departments=None):
    body = {
        "code": row.code,
        "name": row.name,
        "province": row.province,
        "valid_from": _iso(row.valid_from),
        "valid_to": _iso(row.valid_to),
        "replaced_by": row.replaced_by,
    }
    if departments is not None:
        body["departments"] = [department(d) for d in departments]
    return body


def department(row):
    return {"code": row.code, "name": row.name, "agency": row.agency}


def api_client(row):
    return {
        "client_id": row.client_id,
        "name": row.name,
        "scopes": list(row.scopes or []),
        "province": row.province,
        "agency": row.agency,
        "active": row.active,
        "created_at": _iso(row.created_at),
    }
