"""The message catalogue covers every code the code base can raise, and no more.

Codes are read from the source by the Babel extractor (`gateway/codes.py`, mapping
`gateway/locale/babel.cfg`) and, independently, from the ServiceError subclasses
once every service's and the gateway's modules are imported.
"""

import importlib
import os
import pkgutil
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.pofile import read_po

import gateway
import services
from gateway import codes, i18n
from services.shared import details as marshmallow_details
from services.shared.errors import ServiceError

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "gateway" / "locale"
POT = LOCALE / "messages.pot"


def _extracted():
    with open(LOCALE / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for _file, _line, code, comments, _ctx in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.setdefault(code, set()).update(comments)
    return found


EXTRACTED = _extracted()
CATALOGUES = {lang: read_po(open(i18n.po_path(lang), "rb")) for lang in i18n.SUPPORTED}


def _entries(lang):
    return {m.id: m for m in CATALOGUES[lang] if m.id}


def placeholders(text):
    return set(i18n.PLACEHOLDER.findall(text))


# Importing these has effects on the whole process: the runner monkey-patches
# eventlet on import, which turned this pytest process's threads and sleeps green and
# parked the session's teardown in eventlet's hub. They define no error class.
PROCESS_WIDE = {"services.shared.runner"}


def _service_error_codes():
    for package in (services, gateway):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name or ".testing" in info.name:
                continue
            if info.name not in PROCESS_WIDE:
                importlib.import_module(info.name)
    found, todo = set(), [ServiceError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith(("services.", "gateway.")):
            found.add(cls.code)
    return found


def test_the_extractor_finds_class_argument_and_detail_codes():
    source = b"""
class Closed(Base):
    code = "AGENCY_CLOSED"
raise ServiceError("x", {"f": [detail("too_long", max=3)]}, "SOME_CODE")
raise Other("x", code="KEYWORD_CODE")
CodedHTTPError(413, "HTTP_CODE", "t")
os.environ.get("NOT_A_CODE")
"""
    found = {code: comments for _l, code, comments in codes.found(source.decode())}
    assert found == {
        "AGENCY_CLOSED": [],
        "too_long": ["params: max"],
        "SOME_CODE": [],
        "KEYWORD_CODE": [],
        "HTTP_CODE": [],
    }


def test_every_service_error_class_is_extracted():
    missing = _service_error_codes() - set(EXTRACTED)
    assert not missing, f"codes the extractor misses: {sorted(missing)}"


def test_the_template_is_current():
    """Regenerate with the command in the README ("How to add a message")."""
    template = {m.id for m in read_po(open(POT, "rb")) if m.id}
    assert template == set(EXTRACTED)


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_every_code_has_a_text_and_every_text_a_code(lang):
    entries = _entries(lang)
    untranslated = sorted(
        c for c in EXTRACTED if not (c in entries and entries[c].string)
    )
    unused = sorted(set(entries) - set(EXTRACTED))
    assert not untranslated, f"{lang}: codes without a text: {untranslated}"
    assert not unused, f"{lang}: texts no code uses: {unused}"


def test_the_catalogues_are_in_step_with_the_template():
    """`pybabel update --check` passes: nothing to add, drop or mark fuzzy."""
    CommandLineInterface().run(
        ["pybabel", "-q", "update", "-i", str(POT), "-d", str(LOCALE)]
        + ["--check", "--no-fuzzy-matching"]
    )
    for lang in i18n.SUPPORTED:
        assert not [m.id for m in CATALOGUES[lang] if m.id and m.fuzzy]
        assert not list(CATALOGUES[lang].check())


def test_both_languages_name_the_same_params():
    vi, en = _entries("vi"), _entries("en")
    different = {
        code: (placeholders(vi[code].string), placeholders(en[code].string))
        for code in EXTRACTED
        if placeholders(vi[code].string) != placeholders(en[code].string)
    }
    assert not different


def test_a_detail_text_names_only_params_its_raise_sites_give():
    """`detail("too_long", max=…)`: the extractor notes `params: max`."""
    for code, comments in EXTRACTED.items():
        given = {p.strip() for c in comments for p in c.split(":", 1)[1].split(",")}
        if given:
            named = placeholders(_entries("en")[code].string)
            assert named <= given, (code, named, given)


def test_english_marshmallow_details_read_as_marshmallow_writes_them():
    en = _entries("en")
    for code, template in marshmallow_details.MARSHMALLOW.items():
        assert en[code].string == re.sub(r"\{(\w+)\}", r"%(\1)s", template), code


def test_each_marshmallow_message_maps_back_to_its_code_and_params():
    for code, template in marshmallow_details.MARSHMALLOW.items():
        names = re.findall(r"\{(\w+)\}", template)
        values = {name: f"v{i}" for i, name in enumerate(names)}
        found = marshmallow_details.detail_of(template.format(**values))
        assert found == ({"code": code, "params": values} if values else code)


def test_vietnamese_texts_are_well_formed():
    for code, entry in _entries("vi").items():
        text = entry.string
        assert unicodedata.is_normalized("NFC", text), code
        assert text == text.strip() and "  " not in text, code
        assert "%" not in i18n.PLACEHOLDER.sub("", text), code
    # Vietnamese, not English left untranslated: most texts carry its diacritics
    texts = [entry.string for entry in _entries("vi").values()]
    marked = [text for text in texts if re.search(r"[à-ỹđ]", text)]
    assert len(marked) > 0.9 * len(texts)


def test_a_missing_param_renders_blank_and_an_unknown_code_its_fallback():
    assert "%(" not in i18n.render("AGENCY_CLOSED", {}, "vi")
    assert i18n.render("NO_SUCH_CODE", None, "en", fallback="Dev text") == "Dev text"


def test_the_gateway_loads_no_service_exceptions_or_messages():
    """Errors reach it as the shared classes; their texts come from the catalogue."""
    loaded = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", LIST_MODULES],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    ).stdout.split()
    assert "gateway.app" in loaded
    internals = [
        m for m in loaded if re.match(r"services\.\w+\.(exceptions|messages)$", m)
    ]
    assert not internals


LIST_MODULES = "import sys, gateway.app; print(*sorted(sys.modules))"
