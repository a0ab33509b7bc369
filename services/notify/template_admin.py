"""Province e-mail templates: read, check, preview and save (province admins only).

Only a province admin (for their own province) or the national operator (for any
province) edits templates: `template.manage` is not held by agency admins, and the
scope is checked again here so that no agency-level path can come back. An
override is saved only once `Renderer.check` accepts it; stored overrides checked
under older rules are shown as stale and never used.
"""

from sqlalchemy import select

from services.shared.errors import ValidationFailed
from services.shared.permissions import scope_of

from . import kinds, store
from .exceptions import TemplateProvinceForbidden, UnknownTemplate, template_error
from .models import TemplateOverride
from .samples import sample
from .templates import TemplateInvalid


def province_of(caller, wanted=None):
    """The province whose templates the caller edits (403 for any other)."""
    scope = scope_of(caller)
    own = caller.get("province")
    if scope == "national":
        if not (wanted or own):
            raise ValidationFailed("Invalid input", {"province": ["required"]})
        return wanted or own
    if scope != "province" or not own or (wanted and wanted != own):
        raise TemplateProvinceForbidden(
            "Templates of another province", {"province": [wanted or own or ""]}
        )
    return own


def known(templates, key, lang):
    if not templates.exists(key, lang):
        raise UnknownTemplate("Unknown template", {"key": [key]})


def describe(session, templates, province, key, lang):
    """The template in force for `province`, with what its kind may use."""
    stored = session.scalar(
        select(TemplateOverride).where(
            TemplateOverride.province == province,
            TemplateOverride.key == key,
            TemplateOverride.lang == lang,
        )
    )
    current = stored is not None and stored.rules == store.RULES
    return {
        "key": key,
        "lang": lang,
        "province": province,
        "overridden": current,
        "stale": stored is not None and not current,
        "source": stored.source if current else templates.source(key, lang),
        "variables": sorted(kinds.allowed(key)),
        "link": kinds.LINKS.get(key, "dossier page"),
    }


def checked_preview(templates, data):
    """Check the source and render the kind's sample (a refusal has its code)."""
    example = sample(data["key"], templates.public_url)
    try:
        shown = templates.preview(data["key"], data["lang"], data["source"], example)
    except TemplateInvalid as refused:
        raise template_error(refused) from None
    return {"subject": shown.subject, "text": shown.text, "html": shown.html}
