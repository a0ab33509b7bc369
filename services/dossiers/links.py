"""Links in procedure texts and template links: the portal's own, or allowed hosts.

A procedure is written by admins and shown to every citizen, so what it links to is
checked where it enters (create and publish): a template's `url` must be a page of
the portal (a path such as `/huong-dan`, or a URL of its host) or of a host the
province allows (`PORTAL_LINK_HOSTS`); no `javascript:`, `data:` or other scheme,
and no outside URL in the texts either. Pure functions, no framework.
"""

from urllib.parse import urlsplit

from services.shared.errors import detail

SCHEMES = ("http", "https")
# Schemes that run or embed something instead of linking to a page.
DANGEROUS = ("javascript:", "data:", "vbscript:", "file:", "blob:")
TEXTS = ("name", "name_en")
REFUSED = detail("link_refused")
LISTS = ("steps", "legal_basis")


def parse_hosts(setting):
    """`01=a.gov.vn b.gov.vn;*=c.gov.vn` → {"01": {...}, "*": {...}}."""
    hosts = {}
    for part in (setting or "").split(";"):
        province, _, names = part.partition("=")
        if province.strip() and names.strip():
            found = {n.strip().lower() for n in names.replace(",", " ").split()}
            hosts.setdefault(province.strip(), set()).update(found)
    return hosts


def allowed_hosts(hosts, province, portal_url):
    """The hosts a province's procedures may link to (the portal's always)."""
    own = urlsplit(portal_url or "").hostname
    return set(hosts.get(province, ())) | set(hosts.get("*", ())) | {own} - {None}


def bad_url(value, hosts):
    """Why `value` may not be a link ("" when it may)."""
    text = (value or "").strip()
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return "LINK_INVALID"
    if parts.scheme.lower() not in SCHEMES:
        return "LINK_SCHEME"
    if (parts.hostname or "").lower() not in hosts:
        return "LINK_HOST"
    return ""


def bad_words(text, hosts):
    """The URLs written in a text that point elsewhere or run something."""
    found = []
    for word in (text or "").split():
        word = word.strip("()<>[]\"'.,;")
        lowered = word.lower()
        if lowered.startswith(DANGEROUS):
            found.append(word)
        elif "://" in lowered or lowered.startswith("www."):
            candidate = word if "://" in lowered else f"https://{word}"
            if bad_url(candidate, hosts):
                found.append(word)
    return found


def _texts(data):
    for name in TEXTS:
        yield name, data.get(name)
    for name in LISTS:
        for i, text in enumerate(data.get(name) or ()):
            yield f"{name}.{i}", text
    for i, doc in enumerate(data.get("documents") or ()):
        yield f"documents.{i}.name", doc.get("name")
    for i, field in enumerate((data.get("form") or {}).get("fields") or ()):
        yield f"form.fields.{i}.label", field.get("label")
        yield f"form.fields.{i}.label_en", field.get("label_en")
    for i, tpl in enumerate(data.get("templates") or ()):
        yield f"templates.{i}.name", tpl.get("name")


def refused(data, hosts):
    """{field path: [message, what is refused...]} of a procedure (empty: fine)."""
    errors = {}
    for i, tpl in enumerate(data.get("templates") or ()):
        if tpl.get("url") and bad_url(tpl["url"], hosts):
            errors[f"templates.{i}.url"] = [REFUSED, tpl["url"]]
    for path, text in _texts(data):
        words = bad_words(text, hosts) if isinstance(text, str) else []
        if words:
            errors[path] = [REFUSED, *words]
    return errors
