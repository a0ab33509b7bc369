"""The profile keys a procedure's form field may be prefilled from, said once.

A procedure names, on each field it wants prefilled, the key of the applicant's
profile it takes (`{"name": "requester_full_name", ..., "profile": "full_name"}`);
the new-dossier page shows those values, editable, before anything is saved. A key
fills only fields of the types listed for it (a date of birth never lands in a
number field), and an empty profile value fills nothing.
"""

TEXT = ("text", "textarea")

# key of the accounts user view → field types it may fill
PROFILE_KEYS = {
    "full_name": TEXT,
    "date_of_birth": ("date", *TEXT),
    "national_id": TEXT,
    "phone": TEXT,
    "email": TEXT,
    "address": TEXT,
    "business_name": TEXT,
    "tax_code": TEXT,
}


def prefill(form_def, profile):
    """The form values the applicant's `profile` (their user view) gives `form_def`."""
    values = {}
    for field in (form_def or {}).get("fields", []):
        key = field.get("profile")
        value = (profile or {}).get(key) if key in PROFILE_KEYS else None
        if value and field.get("type", "text") in PROFILE_KEYS[key]:
            values[field["name"]] = str(value)
    return values
