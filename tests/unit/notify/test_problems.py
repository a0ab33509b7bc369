"""A refused submission becomes a list the citizen reads, in his language."""

from services.notify import domain, problems
from services.notify.samples import DOSSIER
from services.notify.templates import Renderer

PROBLEMS = {
    "documents.to_khai": ["missing_document"],
    "form.copies": [{"code": "at_most", "params": {"max": 10}}],
    "form.extra": ["unknown_field"],
}
LABELS = {
    "form.copies": {"vi": "Số bản sao", "en": "Copies"},
    "documents.to_khai": {"vi": "Tờ khai", "en": None},
}


def test_problems_use_labels_and_translate_messages_fields_first():
    found = problems.describe(PROBLEMS, LABELS, "vi")
    assert found == [
        {"kind": "field", "label": "Số bản sao", "messages": ["không được quá 10"]},
        {"kind": "field", "label": "extra", "messages": ["không có trong mẫu đơn"]},
        {"kind": "document", "label": "Tờ khai", "messages": ["chưa nộp"]},
    ]


def test_english_falls_back_to_the_vietnamese_label_when_none_is_given():
    found = problems.describe(PROBLEMS, LABELS, "en")
    assert found[0] == {
        "kind": "field",
        "label": "Copies",
        "messages": ["must be at most 10"],
    }
    assert found[2]["label"] == "Tờ khai"


def test_unknown_codes_pass_through_unchanged():
    assert problems.problem_text("something_new", "vi") == "something_new"


def test_refusal_is_planned_for_the_applicant_with_a_per_dossier_interval():
    payload = {"dossier": DOSSIER, "problems": PROBLEMS, "labels": LABELS}
    (planned,) = domain.plan_submission_refused(payload, "https://p", 600)
    assert planned.key == "dossier_submission_refused"
    assert planned.recipient == DOSSIER["applicant"]["email"]
    assert planned.once_per == 600
    assert planned.scope["dossier_id"] == DOSSIER["id"]


def test_refusal_mail_lists_each_problem_in_both_languages():
    payload = {"dossier": DOSSIER, "problems": PROBLEMS, "labels": LABELS}
    (planned,) = domain.plan_submission_refused(payload, "https://p", 600)
    vi = Renderer().render(planned.key, "vi", planned.context)
    assert 'Giấy tờ "Tờ khai": chưa nộp' in vi.text
    assert "<b>Số bản sao</b>" in vi.html
    en_context = dict(
        planned.context, problems=problems.describe(PROBLEMS, LABELS, "en")
    )
    en = Renderer().render(planned.key, "en", en_context)
    assert 'Field "Copies": must be at most 10' in en.text


def test_every_detail_a_refused_dossier_carries_has_words_in_the_mail():
    from services.dossiers import forms

    carried = [
        forms.MISSING,
        forms.UNKNOWN,
        forms.NOT_STRING,
        forms.NOT_NUMBER,
        forms.NOT_DATE,
        forms.NOT_BOOL,
        forms.NOT_OPTION,
        forms.MISSING_DOCUMENT,
        forms.too_long(200),
        forms.too_small(1),
        forms.too_big(10),
        forms.too_many_files(3),
    ]
    for problem in carried:
        code = problem["code"] if isinstance(problem, dict) else problem
        for lang in ("vi", "en"):
            text = problems.problem_text(problem, lang)
            assert text != code and "{" not in text, (problem, lang)
