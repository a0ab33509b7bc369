"""A refused submission in words the citizen reads (pure).

The dossiers service refuses an incomplete dossier with details keyed `form.<field>`
/ `documents.<slot>` holding field detail codes (`required`, `too_long` with its
`max`…, dossiers/forms.py); the event adds the procedure's labels. This turns them
into a list per language, in the short words of the refusal e-mail.
"""

# detail code → (vi, en) as the refusal mail lists it; `{name}` is a param.
PROBLEMS = {
    "required": ("chưa nhập", "missing"),
    "missing_document": ("chưa nộp", "missing"),
    "unknown_field": ("không có trong mẫu đơn", "not on the form"),
    "invalid_string": ("không phải văn bản", "not text"),
    "invalid_number": ("không phải số", "not a number"),
    "invalid_date": ("ngày không hợp lệ", "not a valid date"),
    "invalid_boolean": ("phải chọn có hoặc không", "must be yes or no"),
    "not_an_option": ("không thuộc các lựa chọn cho phép", "not one of the options"),
    "too_long": ("dài quá {max} ký tự", "longer than {max}"),
    "at_least": ("phải từ {min} trở lên", "must be at least {min}"),
    "at_most": ("không được quá {max}", "must be at most {max}"),
    "too_many_files": (
        "quá nhiều tệp (tối đa {max})",
        "too many files (at most {max})",
    ),
}


def problem_text(problem, lang):
    """The words of one field detail (a code, or a code with params)."""
    if isinstance(problem, dict):
        code, params = problem.get("code"), problem.get("params") or {}
    else:
        code, params = str(problem), {}
    texts = PROBLEMS.get(code)
    if texts is None:
        return str(code)
    try:
        return texts[0 if lang == "vi" else 1].format(**params)
    except (KeyError, IndexError):
        return texts[0 if lang == "vi" else 1]


def describe(problems, labels, lang):
    """Return [{kind, label, messages}] from `form.<x>`/`documents.<y>` details."""
    out = []
    for key, messages in (problems or {}).items():
        kind, _, name = str(key).partition(".")
        label = (labels or {}).get(key) or {}
        if isinstance(label, str):
            label = {"vi": label}
        text = label.get(lang) or label.get("vi") or name or key
        if isinstance(messages, str):
            messages = [messages]
        out.append(
            {
                "kind": "document" if kind == "documents" else "field",
                "label": text,
                "messages": [problem_text(m, lang) for m in messages or ()],
            }
        )
    return sorted(out, key=lambda p: p["kind"] != "field")
