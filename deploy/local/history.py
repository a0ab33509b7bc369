"""The demo province's past, planned: which dossiers, who did what, and when.

Pure (no I/O): `plan(...)` turns a seed, the procedures, the working days and the
staff roles into stories, each a dossier's life as steps `(moment, actor, action,
arguments)` in time order. `deploy/local/seed_history.py` plays them through the
services' RPCs at those moments. The same seed always gives the same history.

Shapes of a life (weights in `OUTCOMES`; a dossier received recently is more often
still open, as at a real one-stop desk; a step that would come after now is not
played, so the status a story ends in is read from its steps, `Story.final`):
- returned on time, or late (its officer took longer than the appointment);
- sent back once by the leader, then approved;
- supplement requested: an online applicant uploads again and resubmits (the
  appointment moves by the paused days: "rescheduled"); a paper applicant who never
  came back is cancelled after a while, or is still awaited;
- refused at reception (online only: a paper dossier is received at the desk);
- still open: waiting reception, processing (some past their appointment: overdue),
  pending approval, approved and waiting to be returned.
Around a third get an internal comment, one in six a task (some done), one in eight
a result PDF uploaded before it is returned.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from services.shared.clock import VN_TZ

OPEN_AT, CLOSE_AT = dt.time(7, 45), dt.time(16, 45)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
          "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Đức", "Kim")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa",
         "Hùng", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Việt", "Yến")  # fmt: skip
STREETS = ("Đội Cấn", "Kim Mã", "Liễu Giai", "Văn Cao", "Nguyễn Thái Học", "Giảng Võ",
           "Hoàng Hoa Thám", "Phan Đình Phùng", "Quán Thánh", "Ngọc Hà")  # fmt: skip
COMMENTS = (
    "Đã đối chiếu bản chính với bản sao, khớp.",
    "Cần xác minh thêm thông tin nơi cư trú với công an phường.",
    "Hồ sơ đầy đủ, đề nghị trình lãnh đạo.",
    "Đã liên hệ người nộp qua điện thoại để xác nhận.",
)
TASKS = ("Xác minh thông tin cư trú", "Đối chiếu sổ hộ tịch", "Kiểm tra hiện trạng",
         "Lấy ý kiến phòng chuyên môn")  # fmt: skip
SUPPLEMENT = "Đề nghị bổ sung bản sao giấy tờ tùy thân còn hiệu lực."
SEND_BACK = "Đề nghị kiểm tra lại thông tin trên tờ khai."
REFUSAL = "Hồ sơ không thuộc thẩm quyền giải quyết của phường."
CANCEL = "Người nộp không bổ sung hồ sơ trong thời hạn."

# outcome → weight among dossiers received more than three weeks ago / recently
OUTCOMES = {
    "completed": (58, 22),
    "completed_late": (10, 3),
    "sent_back": (5, 3),
    "rescheduled": (5, 4),
    "cancelled": (5, 2),
    "rejected": (4, 3),
    "awaiting_supplement": (2, 8),
    "waiting": (0, 20),
    "processing": (4, 22),
    "pending_approval": (1, 10),
    "approved": (0, 8),
    "overdue": (4, 7),
}
# the status each step leaves the dossier in (comments, tasks, uploads: unchanged)
STATUS_AFTER = {
    "create": "draft",
    "submit": "waiting_reception",
    "resubmit": "waiting_reception",
    "receive": "processing",
    "receive_again": "processing",
    "register_paper": "processing",
    "reject": "rejected",
    "request_supplement": "supplement_requested",
    "cancel": "cancelled",
    "send_for_approval": "pending_approval",
    "send_back": "processing",
    "approve": "approved",
    "return_result": "completed",
}
ONLINE_ONLY = ("rejected", "rescheduled", "waiting")


@dataclass
class Story:
    """One dossier's life: how it came in, for whom, and the steps after."""

    index: int
    procedure: dict
    department: str
    applicant: dict
    online: bool
    outcome: str
    steps: list = field(default_factory=list)

    @property
    def final(self):
        """The status the dossier ends in once every step is played."""
        moves = [STATUS_AFTER[a] for _, _, a, _ in self.steps if a in STATUS_AFTER]
        return moves[-1]


class Days:
    """Working moments from `first` to `last` (Vietnam's clock), holidays skipped."""

    def __init__(self, first, last, holidays=()):
        self.days = [
            first + dt.timedelta(n)
            for n in range((last - first).days + 1)
            if (first + dt.timedelta(n)).weekday() < 5
            and first + dt.timedelta(n) not in set(holidays)
        ]

    def moment(self, rng, day):
        minutes = rng.randrange(
            OPEN_AT.hour * 60 + OPEN_AT.minute, CLOSE_AT.hour * 60 + CLOSE_AT.minute
        )
        local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), VN_TZ)
        return local.astimezone(dt.UTC)

    def after(self, rng, start, working_days):
        """A moment `working_days` working days after `start` (0: later that day)."""
        local = start.astimezone(VN_TZ).date()
        later = [d for d in self.days if d > local]
        if working_days <= 0 or not later:
            return start + dt.timedelta(minutes=rng.randrange(20, 90))
        day = later[min(working_days, len(later)) - 1]
        return self.moment(rng, day)


def person(rng, index):
    """A made-up applicant: name, CCCD (born in Hà Nội), phone, address."""
    female = rng.random() < 0.5
    year = rng.randrange(1955, 2005)
    century = (1 if female else 0) if year < 2000 else (3 if female else 2)
    middle = "Thị" if female else rng.choice(MIDDLE)
    return {
        "full_name": f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}",
        "national_id": f"001{century}{year % 100:02d}{index % 1_000_000:06d}",
        "phone": f"09{rng.randrange(10_000_000, 99_999_999)}",
        "address": f"{rng.randrange(1, 200)} phố {rng.choice(STREETS)}, phường Ba Đình,"
        " Hà Nội",
        "date_of_birth": dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29)),
    }


def form_values(rng, procedure, applicant):
    """Values for every required field (and some optional ones) of the form."""
    values = {}
    for f in (procedure.get("form") or {}).get("fields", []):
        if not f.get("required") and rng.random() < 0.6:
            continue
        values[f["name"]] = _value(rng, f, applicant)
    return values


def _value(rng, f, applicant):
    kind, name = f.get("type", "text"), f["name"]
    if f.get("profile") in applicant:
        value = applicant[f["profile"]]
        return value.isoformat() if isinstance(value, dt.date) else value
    if kind == "select":
        return rng.choice(f.get("options") or [""])
    if kind == "checkbox":
        return True
    if kind == "number":
        low = int(f.get("min") or 1)
        return rng.randrange(low, max(low + 1, int(f.get("max") or 5)))
    if kind == "date":
        return (
            dt.date(2026, 1, 1) - dt.timedelta(rng.randrange(1, 20_000))
        ).isoformat()
    if "name" in name:
        return person(rng, rng.randrange(10**6))["full_name"]
    if "residence" in name or "address" in name or "place" in name:
        return applicant["address"]
    if "authority" in name or "agency" in name:
        return "UBND phường Ba Đình"
    return f.get("label", name)[:60]


def _outcome(rng, old, online):
    names = [n for n in OUTCOMES if online or n not in ONLINE_ONLY]
    weights = [OUTCOMES[n][0 if old else 1] for n in names]
    return rng.choices(names, weights)[0]


def plan(seed, procedures, days, count, until, online_share=0.12):
    """`count` stories over `days` (a Days); procedures carry their `department`.

    Steps that would fall after `until` (an aware datetime: now) are not planned,
    so a recent dossier simply has not got that far yet.
    """
    rng = random.Random(seed)
    recent = days.days[-15:]
    stories = []
    for index in range(count):
        procedure = rng.choice(procedures)
        # more dossiers lately, as a new portal is taken up
        day = days.days[int(len(days.days) * rng.random() ** 0.8)]
        # only a procedure of level 3 or 4 takes dossiers online
        online = rng.random() < online_share and (procedure.get("level") or 0) >= 3
        outcome = _outcome(rng, day not in recent, online)
        applicant = person(rng, index)
        story = Story(index, procedure, procedure["department"], applicant, online,
                      outcome)  # fmt: skip
        steps = _steps(rng, days, story, days.moment(rng, day))
        story.steps = [s for s in steps if s[0] <= until]
        # a draft nobody submitted is nobody's history (staff never see drafts)
        if story.steps and story.final != "draft":
            stories.append(story)
    return stories


class _Steps(list):
    """The timed steps of one story, built in time order."""

    def __init__(self, rng, days):
        super().__init__()
        self.rng, self.days = rng, days

    def add(self, moment, actor, action, **args):
        self.append((moment, actor, action, args))
        return moment

    def soon(self, moment, actor, action, **args):
        return self.add(self.days.after(self.rng, moment, 0), actor, action, **args)


def _steps(rng, days, story, start):
    """The timed steps of one story, from its first moment."""
    steps = _Steps(rng, days)
    now = _arrival(steps, story, start)
    if now is None or story.outcome in ("processing", "overdue"):
        return steps
    allowed = max(int(story.procedure.get("processing_days") or 0), 1)
    late = story.outcome in ("completed_late", "overdue")
    work = allowed + rng.randrange(1, 4) if late else rng.randrange(0, allowed)
    now = days.after(rng, now, max(work - 1, 0))
    if story.outcome in ("rescheduled", "awaiting_supplement", "cancelled"):
        now = _supplement(steps, story, now, allowed)
        if now is None:
            return steps
    _decision(steps, story, now)
    return steps


def _arrival(steps, story, now):
    """Filed online (and received or refused) or registered at the desk; extras."""
    rng, days = steps.rng, steps.days
    if story.online:
        now = steps.add(now, "citizen", "create")
        now = steps.soon(now, "citizen", "submit")
        if story.outcome == "waiting":
            return None
        now = days.after(rng, now, rng.choice((0, 1)))
        if story.outcome == "rejected":
            steps.add(now, "desk", "reject", reason=REFUSAL)
            return None
        now = steps.add(now, "desk", "receive")
    else:
        now = steps.add(now, "desk", "register_paper")
    if rng.random() < 0.33:
        now = steps.soon(now, "officer", "comment", body=rng.choice(COMMENTS))
    if rng.random() < 0.17:
        now = steps.soon(now, "officer", "task", title=rng.choice(TASKS),
                         done=rng.random() < 0.6)  # fmt: skip
    return now


def _supplement(steps, story, now, allowed):
    """Asked for more; resubmitted (online), or cancelled, or still awaited (None)."""
    rng, days = steps.rng, steps.days
    now = steps.add(now, "officer", "request_supplement", note=SUPPLEMENT)
    if story.outcome == "awaiting_supplement":
        return None
    if story.outcome == "cancelled":
        later = days.after(rng, now, rng.randrange(5, 10))
        steps.add(later, "desk", "cancel", reason=CANCEL)
        return None
    now = steps.add(days.after(rng, now, rng.randrange(1, 4)), "citizen", "resubmit")
    now = steps.soon(now, "desk", "receive_again")
    return days.after(rng, now, max(allowed - 1, 0) // 2)


def _decision(steps, story, now):
    """Sent for approval (sent back once, maybe), approved, returned."""
    if story.online and (story.procedure.get("level") or 0) >= 4:
        # its result is delivered online: drafted first, signed at the approval
        steps.add(now, "officer", "draft_result")
    now = steps.add(now, "officer", "send_for_approval")
    if story.outcome == "pending_approval":
        return
    if story.outcome == "sent_back":
        now = steps.soon(now, "leader", "send_back", note=SEND_BACK)
        now = steps.soon(now, "officer", "send_for_approval")
    now = steps.soon(now, "leader", "approve")
    if story.outcome == "approved":
        return
    if steps.rng.random() < 0.12:
        now = steps.soon(now, "officer", "upload_result")
    later = steps.days.after(steps.rng, now, steps.rng.choice((0, 0, 1)))
    steps.add(later, "desk", "return_result")


def tally(stories):
    """How many stories end in each status (what the services must then show)."""
    out = {}
    for story in stories:
        out[story.final] = out.get(story.final, 0) + 1
    return out
