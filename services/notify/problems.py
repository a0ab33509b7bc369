"""A refused submission in words the citizen reads (pure).

The dossiers service refuses an incomplete dossier with details keyed `form.<field>`
/ `documents.<slot>` holding its English validation messages (dossiers/forms.py);
the event adds the procedure's labels. This turns them into a list per language.
"""

import re

# What the dossiers service says about a refused field/document (forms.py), in words
# a citizen reads; `{0}` is the number the message carries.
PROBLEMS = (
    (r"Missing data for required field\.", "chưa nhập", "missing"),
    (r"Missing required document\.", "chưa nộp", "missing"),
    (r"Unknown field\.", "không có trong mẫu đơn", "not on the form"),
    (r"Not a valid string\.", "không phải văn bản", "not text"),
    (r"Not a valid number\.", "không phải số", "not a number"),
    (r"Not a valid date\.", "ngày không hợp lệ", "not a valid date"),
    (r"Not a valid boolean\.", "phải chọn có hoặc không", "must be yes or no"),
    (
        r"Not one of the allowed options\.",
        "không thuộc các lựa chọn cho phép",
        "not one of the options",
    ),
    (r"Longer than maximum length (\S+)\.", "dài quá {0} ký tự", "longer than {0}"),
    (
        r"Must be greater than or equal to (\S+)\.",
        "phải từ {0} trở lên",
        "must be at least {0}",
    ),
    (
        r"Must be less than or equal to (\S+)\.",
        "không được quá {0}",
        "must be at most {0}",
    ),
    (
        r"Too many files \(at most (\S+)\)\.",
        "quá nhiều tệp (tối đa {0})",
        "too many files (at most {0})",
    ),
)


def problem_text(message, lang):
    """Translate one validation message of the dossiers service."""
    for pattern, vi, en in PROBLEMS:
        found = re.fullmatch(pattern, str(message).strip())
        if found:
            return (vi if lang == "vi" else en).format(*found.groups())
    return str(message)


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
