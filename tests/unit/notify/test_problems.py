"""A refused submission becomes a list the citizen reads, in his language."""

from services.notify import domain, problems
from services.notify.samples import DOSSIER
from services.notify.templates import Renderer

PROBLEMS = {
    "documents.to_khai": ["Missing required document."],
    "form.copies": ["Must be less than or equal to 10."],
    "form.extra": ["Unknown field."],
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


def test_unknown_messages_pass_through_unchanged():
    assert problems.problem_text("Something new.", "vi") == "Something new."


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
