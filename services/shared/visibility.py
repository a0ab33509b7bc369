"""Who sees which record: one table, and the three forms derived from it.

Every record that belongs to a dossier carries the dossier's scope attributes
(province, agency, department, owner, assignees, submitted_at), a task its assignee
and creator, and, where it can be internal, an audience (``public`` for the
applicant, ``internal`` to the agency).
`RULES` says, for each kind of record, which audiences the applicant sees and whether
staff see it at all; `SCOPE_FIELDS` says which record fields must equal the caller's
at each scope, and `RECEIVING_FIELDS` the same for the staff of the agency whose
desk received a dossier resolved by another (`receiving_province`,
`receiving_agency`): both agencies' staff see it; `sides` tells which one a caller
works for. `rule(caller, kind)` turns both into one predicate over record fields,
and that predicate is rendered three ways, which must always agree (a property test
in tests/integration/shared checks it on generated users and records):

- `matches(predicate, record)`   the Python check every service uses,
- `to_sql(predicate, columns)`   a SQLAlchemy filter for lists,
- `to_search(predicate, fields)` an OpenSearch clause for search.

A predicate is a nested tuple: ("all",), ("none",), ("eq", field, value),
("has", field, value) (a list field contains value), ("set", field) (not null),
("not", p), ("and", p, ...), ("or", p, ...).
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, not_, or_, true

from .permissions import scope_of

PUBLIC, INTERNAL = "public", "internal"
AUDIENCES = (PUBLIC, INTERNAL)

# Record fields that must equal the caller's attribute, per scope.
SCOPE_FIELDS = {
    "national": (),
    "province": ("province",),
    "agency": ("province", "agency"),
    "department": ("province", "agency", "department"),
}
# A dossier received at one agency's desk and resolved by another is in the scope
# of both: these record fields must equal the caller's (province, agency) for the
# receiving side. Department-bound staff work for the resolving agency only.
RECEIVING_FIELDS = {
    "national": (),
    "province": (("receiving_province", "province"),),
    "agency": (
        ("receiving_province", "province"),
        ("receiving_agency", "agency"),
    ),
    "department": None,
}
# An officer or leader also sees the dossiers he is assigned to, whatever department.
ASSIGNED_SCOPES = ("department",)
# What a dossier-bound record must carry of its dossier for the rule to judge it (a
# file's or a task's copy): both sides' scope fields, the applicant, the assigned
# staff and whether it was submitted.
DOSSIER_SCOPE_FIELDS = tuple(
    dict.fromkeys(
        [name for names in SCOPE_FIELDS.values() for name in names]
        + [name for pairs in RECEIVING_FIELDS.values() for name, _ in pairs or ()]
        + ["owner", "assignees", "submitted_at"]
    )
)


@dataclass(frozen=True)
class Rule:
    """How one kind of record is seen."""

    applicant_audiences: tuple = (PUBLIC,)  # what the dossier's applicant sees
    staff: bool = True  # staff in scope see it (every audience)
    client_audiences: tuple = (PUBLIC,)  # what an API client in scope sees
    has_audience: bool = True  # the record carries an audience field
    # when set, staff without one of these roles see only their own records of the
    # kind (assigned to them or created by them)
    managers: tuple = ()
    # staff see a record only once submitted (a draft is the applicant's alone)
    submitted_only: bool = True
    # (field, value) pairs a record must have for staff and clients to see it
    staff_only_if: tuple = ()
    # the record belongs to a dossier, which its receiving agency's staff see too
    dossier_bound: bool = True


RULES = {
    # the dossier itself: the applicant's from the start, the agency's once submitted
    "dossier": Rule(has_audience=False),
    # comments, history notes, files and generated slips carry their own audience
    "comment": Rule(),
    "history": Rule(),
    "file": Rule(),
    "slip": Rule(),
    # tasks are the agency's internal work: never the applicant's nor a client's;
    # officers and the desk see their own tasks, leaders and admins everyone's
    "task": Rule(
        applicant_audiences=(),
        client_audiences=(),
        has_audience=False,
        managers=("leader", "admin", "province_admin", "operator"),
    ),
    # a person's name, e-mail, phone and ID: everyone sees their own; staff and
    # clients see staff of their scope; an applicant's identity reaches only the
    # system (services acting for the portal), and staff through the dossier
    "identity": Rule(
        has_audience=False,
        submitted_only=False,
        staff_only_if=(("user_kind", "staff"),),
        dossier_bound=False,
    ),
}
KINDS = tuple(RULES)

ALL, NONE = ("all",), ("none",)


def _and(*parts):
    parts = [p for p in parts if p != ALL]
    if NONE in parts:
        return NONE
    if not parts:
        return ALL
    return parts[0] if len(parts) == 1 else ("and", *parts)


def _or(*parts):
    parts = [p for p in parts if p != NONE]
    if ALL in parts:
        return ALL
    if not parts:
        return NONE
    return parts[0] if len(parts) == 1 else ("or", *parts)


def _audience(rule, audiences):
    if not rule.has_audience:
        return ALL if audiences else NONE
    if not audiences:
        return NONE
    if set(audiences) >= set(AUDIENCES):
        return ALL
    return _or(*(("eq", "audience", a) for a in audiences))


def _own(caller, rule):
    user = caller.get("user_id")
    if not user:
        return NONE
    return _and(("eq", "owner", user), _audience(rule, rule.applicant_audiences))


def _in_scope(caller, scope, spec):
    """The scope match of a staff member or client: as the resolving agency's or,
    for a dossier's records, as the receiving agency's (None matches nothing)."""
    receiving = _receiving(caller, scope) if spec.dossier_bound else NONE
    return _or(_resolving(caller, scope), receiving)


def _receiving(caller, scope):
    """The match of the receiving side's staff (the dossier's receiving desk)."""
    pairs = RECEIVING_FIELDS[scope]
    if pairs is None:
        return NONE
    terms = []
    for field, attribute in pairs:
        value = caller.get(attribute)
        terms.append(NONE if value is None else ("eq", field, value))
    return _and(*terms)


def _resolving(caller, scope):
    """The match of the resolving agency's staff (its province, agency, department)."""
    terms = []
    for field in SCOPE_FIELDS[scope]:
        value = caller.get(field)
        if value is None:
            terms.append(NONE)
        else:
            terms.append(("eq", field, value))
    if scope in ASSIGNED_SCOPES and caller.get("user_id"):
        department = terms.pop()
        terms.append(_or(department, ("has", "assignees", caller["user_id"])))
    return _and(*terms)


def rule(caller, kind):
    """Return the predicate over record fields that `caller` sees of `kind`."""
    spec = RULES[kind]
    if "system" in (caller.get("roles") or ()):
        return ALL
    if caller.get("kind") in (None, "anonymous"):
        return NONE
    # never submitted: the applicant's alone (desk, admins, operator do not see drafts)
    submitted = ("set", "submitted_at") if spec.submitted_only else ALL
    only_if = _and(*(("eq", f, v) for f, v in spec.staff_only_if))
    if caller.get("kind") == "client":
        audience = _audience(spec, spec.client_audiences)
        return _and(
            _in_scope(caller, scope_of(caller), spec), submitted, audience, only_if
        )
    scope = scope_of(caller)
    if scope == "own":
        return _own(caller, spec)
    staff = _and(
        _in_scope(caller, scope, spec), submitted, only_if, _own_work(caller, spec)
    )
    return _or(_own(caller, spec), staff if spec.staff else NONE)


def _own_work(caller, rule):
    """All records of the kind for its managers, else the caller's own work."""
    if not rule.managers or set(caller.get("roles") or ()) & set(rule.managers):
        return ALL
    user = caller.get("user_id")
    if not user:
        return NONE
    return _or(("eq", "assignee", user), ("eq", "created_by", user))


def sees(caller, kind, record):
    """Tell whether `caller` sees `record` (a mapping of record fields) of `kind`."""
    return matches(rule(caller, kind), record)


def sides(caller, record):
    """The sides ("receiving", "resolving") of a dossier the caller works on: the
    scope that lets staff or a client see it; the applicant and national roles
    hold both (what they may do is the permission table's)."""
    scope = scope_of(caller)
    if "system" in (caller.get("roles") or ()) or scope in ("own", "national"):
        return {"receiving", "resolving"}
    found = set()
    if matches(_resolving(caller, scope), record):
        found.add("resolving")
    if matches(_receiving(caller, scope), record):
        found.add("receiving")
    return found


# --- the three renderings -----------------------------------------------------


def matches(predicate, record):
    """Evaluate a predicate on a mapping of record fields."""
    op = predicate[0]
    if op == "all":
        return True
    if op == "none":
        return False
    if op == "eq":
        return record.get(predicate[1]) == predicate[2]
    if op == "has":
        return predicate[2] in (record.get(predicate[1]) or ())
    if op == "set":
        return record.get(predicate[1]) is not None
    if op == "not":
        return not matches(predicate[1], record)
    if op == "and":
        return all(matches(p, record) for p in predicate[1:])
    if op == "or":
        return any(matches(p, record) for p in predicate[1:])
    raise ValueError(f"unknown predicate {op!r}")


def to_sql(predicate, columns):
    """Render a predicate as a SQLAlchemy clause.

    `columns` maps each record field to a column, or to a function (op, value) ->
    clause for fields stored differently (a boolean `public`, a JSON list).
    """
    op = predicate[0]
    if op == "all":
        return true()
    if op == "none":
        return false()
    if op in ("eq", "has", "set"):
        target = columns[predicate[1]]
        value = predicate[2] if op != "set" else None
        if callable(target) and not hasattr(target, "type"):
            return target(op, value)
        if op == "eq":
            return target == value
        if op == "set":
            return target.isnot(None)
        raise ValueError(f"field {predicate[1]!r} needs a function for 'has'")
    if op == "not":
        return not_(to_sql(predicate[1], columns))
    parts = [to_sql(p, columns) for p in predicate[1:]]
    return and_(*parts) if op == "and" else or_(*parts)


MATCH_NOTHING = {"bool": {"must_not": [{"match_all": {}}]}}


def to_search(predicate, fields):
    """Render a predicate as an OpenSearch query clause (`fields` maps names)."""
    op = predicate[0]
    if op == "all":
        return {"match_all": {}}
    if op == "none":
        return MATCH_NOTHING
    if op in ("eq", "has"):
        return {"term": {fields[predicate[1]]: predicate[2]}}
    if op == "set":
        return {"exists": {"field": fields[predicate[1]]}}
    if op == "not":
        return {"bool": {"must_not": [to_search(predicate[1], fields)]}}
    parts = [to_search(p, fields) for p in predicate[1:]]
    if op == "and":
        return {"bool": {"filter": parts}}
    return {"bool": {"should": parts, "minimum_should_match": 1}}
