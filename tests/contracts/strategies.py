"""Hypothesis strategies of valid input, built from the contract's marshmallow fields.

`arguments(method)` draws the named arguments of an RPC; `payload(schema)` a dict a
schema loads. Fields checked by a domain rule (e-mail, phone, password, national ID,
tax code) draw from a generator of valid values of that rule.
"""

import datetime as dt
import re

from hypothesis import strategies as st
from marshmallow import fields, validate

from services.accounts import domain as accounts_domain

SAFE = st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x2FFF)


def _tax_code(digits):
    body = "".join(str(d) for d in digits)
    return body + str(accounts_domain.mst_check_digit(body))


RULES = {
    accounts_domain.email_error: st.from_regex(
        r"[a-z]{1,12}@[a-z]{1,12}\.vn", fullmatch=True
    ),
    accounts_domain.phone_error: st.builds(
        lambda p, n: f"0{p}{n:07d}",
        st.sampled_from(sorted(accounts_domain.MOBILE_PREFIXES)),
        st.integers(0, 9_999_999),
    ),
    accounts_domain.password_error: st.from_regex(
        r"[a-z]{6,20}[0-9]{4,8}", fullmatch=True
    ),
    accounts_domain.national_id_error: st.builds(
        lambda p, y, n: f"0{p}0{y:02d}{n:06d}",
        st.sampled_from(sorted(accounts_domain.CCCD_PROVINCES)),
        st.integers(0, 99),
        st.integers(0, 999_999),
    ),
    accounts_domain.tax_code_error: st.lists(
        st.integers(0, 9), min_size=9, max_size=9
    ).map(_tax_code),
}


def _validators(field, kind):
    return [v for v in field.validators if isinstance(v, kind)]


def _bounds(field):
    low, high = 0, 60
    for v in _validators(field, validate.Length):
        low = max(low, v.min or 0)
        high = min(high, v.max if v.max is not None else high)
        if v.equal is not None:
            low = high = v.equal
    return low, max(low, high)


def _string(field):
    for v in field.validators:
        check = getattr(v, "check", None)
        if check in RULES:
            return RULES[check]
    choices = _validators(field, validate.OneOf)
    if choices:
        return st.sampled_from(list(choices[0].choices))
    low, high = _bounds(field)
    regexps = _validators(field, validate.Regexp)
    if regexps:
        pattern = regexps[0].regex.pattern
        ascii_pattern = re.sub(r"\\d", "[0-9]", pattern)
        return st.from_regex(ascii_pattern, fullmatch=True).filter(
            lambda s: low <= len(s) <= high
        )
    return st.text(SAFE, min_size=max(low, 1), max_size=high)


def _integer(field):
    low, high = -(2**31), 2**31 - 1
    for v in _validators(field, validate.Range):
        low = v.min if v.min is not None else low
        high = v.max if v.max is not None else high
    return st.integers(int(low), int(high))


def _float(field):
    low, high = -1e6, 1e6
    for v in _validators(field, validate.Range):
        low = v.min if v.min is not None else low
        high = v.max if v.max is not None else high
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _nested(field):
    schema = field.nested if isinstance(field.nested, type) else type(field.nested)
    return payload(schema)


def _list(field):
    low, high = 0, 3
    for v in _validators(field, validate.Length):
        low = v.min or 0
        high = min(high, v.max) if v.max is not None else high
    return st.lists(value(field.inner), min_size=low, max_size=max(low, high))


def _dict(field):
    keys = (
        value(field.key_field)
        if field.key_field
        else st.text(SAFE, min_size=1, max_size=12)
    )
    values = (
        value(field.value_field) if field.value_field else st.text(SAFE, max_size=20)
    )
    return st.dictionaries(keys, values, max_size=3)


def _one_or_many(field):
    """search's OneOrMany: a list of its choices (or of codes)."""
    items = (
        st.sampled_from(list(field.choices))
        if field.choices
        else st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)
    )
    return st.lists(items, min_size=1, max_size=3)


# most specific first: Email is a String, Nested and List are Fields
BY_TYPE = (
    (fields.Nested, _nested),
    (fields.List, _list),
    (fields.Dict, _dict),
    (fields.Email, lambda f: RULES[accounts_domain.email_error]),
    (
        fields.Date,
        lambda f: st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(str),
    ),
    (
        fields.DateTime,
        lambda f: st.datetimes(
            dt.datetime(2000, 1, 1),
            dt.datetime(2099, 12, 31),
            timezones=st.just(dt.UTC),
        ).map(dt.datetime.isoformat),
    ),
    (fields.Boolean, lambda f: st.booleans()),
    (fields.Integer, _integer),
    (fields.Float, _float),
    (fields.String, _string),
)


def value(field):
    """A strategy of values `field` loads."""
    for kind, strategy in BY_TYPE:
        if isinstance(field, kind):
            return strategy(field)
    if type(field).__name__ == "OneOrMany":
        return _one_or_many(field)
    return st.one_of(st.text(SAFE, min_size=1, max_size=20), st.integers(1, 10_000))


def payload(schema):
    """A strategy of dicts `schema` (a class) loads: required and optional fields."""
    declared = schema._declared_fields
    required, optional = {}, {}
    for name, field in declared.items():
        key = field.data_key or name
        drawn = value(field)
        if field.allow_none and not field.required:
            drawn = st.one_of(st.none(), drawn)
        (required if field.required else optional)[key] = drawn
    return st.fixed_dictionaries(required, optional=optional)


CALLERS = st.sampled_from(
    [
        None,
        {"kind": "anonymous", "roles": []},
        {"kind": "operator", "roles": ["system"], "user_id": "system"},
        {"kind": "citizen", "roles": ["citizen"], "user_id": "u-1", "province": "01"},
    ]
)


def arguments(method):
    """A strategy of named arguments of `method` (a contract Method)."""
    required, optional = {}, {}
    for name, field in method.fields.items():
        if name == "caller":
            required[name] = CALLERS
            continue
        drawn = value(field)
        (required if field.required else optional)[name] = drawn
    return st.fixed_dictionaries(required, optional=optional)
