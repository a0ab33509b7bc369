"""What an edit changed, field by field (pure): the history's old → new lines.

A history entry keeps `changes`: [{field, old, new}] — form fields by name, task
fields (`title`, `assignee`, `due_date`, `status`), a file by its slot (old None:
added). Only fields whose value differs are listed, in the order given.
"""

TASK_FIELDS = ("title", "assignee", "due_date", "status")


def diff(old, new, names=None):
    """[{field, old, new}] for each of `names` (default: every key) that differs."""
    old, new = old or {}, new or {}
    names = list(names) if names is not None else sorted(set(old) | set(new))
    return [
        {"field": name, "old": old.get(name), "new": new.get(name)}
        for name in names
        if old.get(name) != new.get(name)
    ]


def file_added(slot, name):
    return [{"field": slot or "", "old": None, "new": name}]
