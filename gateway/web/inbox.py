"""The signed-in user's notifications and the reminders they set ("hẹn giờ").

- `/thong-bao`: the in-app list (newest first, unread marked), a button to mark
  everything read, and the user's pending reminders with a form each to move,
  re-word or cancel them.
- `POST /hen-gio`: set a reminder from a dossier's page (or a task's): a
  `datetime-local` value read as Vietnam's time, a note, the page to go back to.
- `POST /hen-gio/{reminder_id}`: change (`do=save`) or cancel (`do=cancel`) one.
Notify checks that the dossier (and task) is the caller's to see and that the
reminder is theirs; a refused form comes back as the error page of its status.
"""

import datetime as dt

from services.shared.clock import VN_TZ
from services.shared.errors import ServiceError, ValidationFailed
from services.shared.routes import PAGES

from .base import Page, field_errors, form_of, page, redirect, safe_next

PAGE_SIZE = 20


def local_moment(value):
    """A `datetime-local` value (Vietnam's clock) as an ISO instant, else None."""
    try:
        moment = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.isoformat()


def input_value(iso):
    """An ISO instant as the `datetime-local` value of Vietnam's clock."""
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone(VN_TZ)
    except (TypeError, ValueError):
        return ""
    return moment.strftime("%Y-%m-%dT%H:%M")


def reminder_form(req, form):
    data = {"note": (form.get("note") or "").strip() or None}
    moment = local_moment(form.get("remind_at"))
    if moment is None:
        raise ValidationFailed("Invalid input", {"remind_at": ["invalid_date"]})
    data["remind_at"] = moment
    return data


class Notifications(Page):
    @page(login=True)
    def on_get(self, req, resp):
        number = max(req.get_param_as_int("trang", default=1) or 1, 1)
        found = self.call(
            req, "notify", "list_notifications",
            {"page": number, "page_size": PAGE_SIZE},
        )  # fmt: skip
        reminders = self.call(req, "notify", "list_reminders")["items"]
        self.render(
            req, resp, "notifications.html", entries=found["items"],
            total=found["total"], unread=found["unread"], page_number=number,
            page_size=PAGE_SIZE, pager_extra="",
            reminders=[r for r in reminders if r["status"] == "pending"],
            input_value=input_value, notice=req.get_param("ok"),
        )  # fmt: skip


class MarkRead(Page):
    @page(login=True)
    def on_post(self, req, resp):
        form = form_of(req)
        one = (form.get("id") or "").strip()
        data = {"ids": [one] if one else None}
        self.call(req, "notify", "mark_notifications_read", data)
        target = safe_next(form.get("next")) or PAGES["notifications"]
        redirect(resp, target)


class SetReminder(Page):
    @page(login=True)
    def on_post(self, req, resp):
        form = form_of(req)
        back = safe_next(form.get("next")) or PAGES["notifications"]
        try:
            data = reminder_form(req, form)
        except ValidationFailed as exc:
            return self._refused(req, resp, exc, back)
        data["dossier_id"] = (form.get("dossier_id") or "").strip()
        task = (form.get("task_id") or "").strip()
        if task.isascii() and task.isdigit():
            data["task_id"] = int(task)
        try:
            self.call(req, "notify", "create_reminder", data)
        except ServiceError as exc:
            if exc.status != 422:
                raise
            return self._refused(req, resp, exc, back)
        target = back.split("#")[0]
        redirect(resp, f"{target}{'&' if '?' in target else '?'}ok=reminder#reminders")

    def _refused(self, req, resp, exc, back):
        errors = field_errors(exc, req.context.lang)
        self.render(
            req, resp, "message.html", http_status="422 Unprocessable Entity",
            title_key="reminder.refused", message_key=" ".join(errors.values()),
            link=back, link_key="reminder.back",
        )  # fmt: skip


class ChangeReminder(SetReminder):
    @page(login=True)
    def on_post(self, req, resp, reminder_id):
        form = form_of(req)
        back = safe_next(form.get("next")) or PAGES["notifications"]
        try:
            if form.get("do") == "cancel":
                self.call(req, "notify", "cancel_reminder", reminder_id)
            else:
                data = reminder_form(req, form)
                self.call(req, "notify", "update_reminder", reminder_id, data)
        except ServiceError as exc:
            if exc.status not in (409, 422):
                raise
            return self._refused(req, resp, exc, back)
        redirect(resp, back)


def routes(web):
    base = PAGES["notifications"]
    return [
        (base, Notifications(web)),
        (f"{base}/da-doc", MarkRead(web)),
        ("/hen-gio", SetReminder(web)),
        ("/hen-gio/{reminder_id}", ChangeReminder(web)),
    ]
