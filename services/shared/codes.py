"""Field detail codes: what a field's problem is, with the values its text names.

Pure (no framework imports) so domain rules can use it. The texts live in the
gateway's catalogue (`gateway/locale/`), found there by `gateway/codes.py`, which
reads every `detail("…")` call: write detail codes through it.
"""


def detail(code, **params):
    """A field detail: its code alone, or with the values its text names."""
    return {"code": code, "params": params} if params else code
