"""Officer and leader "my work": dossiers by time left, their tasks, task updates.

The list comes from the search service (`query`, by default `sort="time_left"`, i.e.
the appointment date ascending), so overdue and due-soon dossiers come first; the
deadline state is the service's `deadline_state`, shown as text. It has the work
list's filters (keyword with or without diacritics, receipt number, procedure,
deadline state, submission dates, sort: `lists.py`) over the open dossiers in scope,
and "assigned to me". Tasks are read only for the dossiers of the page that list the
caller as an assignee (at most one page of them).
"""

from services.shared.errors import NotFound, ServiceError
from services.shared.routes import PAGES
from services.shared.routes import link as page_link

from .base import Page, form_list, form_of, page, redirect, safe_next
from .citizen import reminders_of
from .lists import (
    DEADLINE_STATES,
    DOSSIER_PARAMS,
    DOSSIER_SORTS,
    IndexList,
    filters_of,
    link,
    read,
)
from .uploads import max_body, max_file, upload_one

PAGE_SIZE = 20
OPEN_STATUSES = (
    "waiting_reception",
    "processing",
    "supplement_requested",
    "pending_approval",
    "approved",
)
TASK_STATUSES = ("open", "done", "cancelled")


# the work list's filters, less the assignee ("assigned to me" instead) and status
MY_PARAMS = {
    k: v for k, v in DOSSIER_PARAMS.items() if k not in ("can_bo", "trang_thai")
}


def work_filters(req, values):
    """The search filters of the page: open dossiers, as the form narrows them."""
    filters = dict(filters_of(values, MY_PARAMS), status=",".join(OPEN_STATUSES))
    if values.get("cua_toi") == "1":
        filters["assignee"] = req.context.caller.get("user_id")
    return filters


def my_tasks(tasks, me):
    """Open tasks assigned to me, the earliest due first (no due date last)."""
    mine = [t for t in tasks if t.get("assignee") == me and t.get("status") == "open"]
    return sorted(mine, key=lambda t: (t.get("due_date") is None, t.get("due_date")))


class MyWork(IndexList):
    @page(login=True)
    def on_get(self, req, resp):
        """Open dossiers in scope, the least time left first, and my open tasks."""
        values = read(req, MY_PARAMS, extra=("sap_xep", "cua_toi"))
        filters = work_filters(req, values)
        sort = values.get("sap_xep") or "time_left"
        number = self.number(req)
        found, errors = self.fetch(req, "query", filters, sort, number, MY_PARAMS)
        self.render(
            req, resp, "my_work.html", http_status=self.status(errors),
            dossiers=found["items"], total=found["total"], values=values,
            errors=errors, procedures=self.procedures(req), people=None,
            sorts=DOSSIER_SORTS, sort=sort,
            states=self.options(req, "deadline", DEADLINE_STATES),
            mine="assignee" in filters, tasks=self._tasks(req, found["items"]),
            page_number=number, page_size=PAGE_SIZE,
            pager_extra="&" + link(values, trang=None)[1:],
            figures=self.call(req, "dossiers", "my_stats", {}),
        )  # fmt: skip

    def _tasks(self, req, dossiers):
        me = req.context.caller.get("user_id")
        out = []
        for dossier in dossiers:
            if me not in (dossier.get("assignees") or []):
                continue
            try:
                tasks = self.call(req, "dossiers", "list_tasks", dossier["id"])
            except ServiceError:
                continue  # the dossier left the caller's scope since it was indexed
            out += [dict(t, dossier=dossier) for t in my_tasks(tasks, me)]
        return sorted(out, key=lambda t: (t["due_date"] is None, t["due_date"] or ""))


class TaskUpdate(Page):
    @page(login=True)
    def on_get(self, req, resp, dossier_id, task_id):
        """The task, its discussion and a form to add to it."""
        dossier = self.call(req, "dossiers", "get_dossier", dossier_id)
        tasks = self.call(req, "dossiers", "list_tasks", dossier_id)
        task = next((t for t in tasks if str(t.get("id")) == task_id), None)
        if task is None:
            raise NotFound("Task not found", {"task_id": [task_id]})
        self.render(
            req, resp, "task.html", dossier=dossier, task=task,
            comments=self.call(
                req, "dossiers", "list_comments", dossier_id, task["id"]
            ),
            files=self.call(req, "files", "list_files", dossier_id),
            reminders=reminders_of(self.web, req, dossier_id),
        )  # fmt: skip

    @page(login=True)
    def on_post(self, req, resp, dossier_id, task_id):
        """Mark a task done, reopen or cancel it (the service checks who may)."""
        form = form_of(req)
        status = form.get("status")
        data = {"status": status} if status in TASK_STATUSES else {}
        self.call(req, "dossiers", "update_task", dossier_id, task_id, data)
        back = safe_next(form.get("next")) or (
            page_link("staff_dossier", dossier_id=dossier_id) + "#tasks"
        )
        redirect(resp, back)


def _audience(parts):
    """A comment's attachments share its audience (read as the parts stream by)."""
    return "internal" if parts.get("internal") == "true" else "public"


class Comment(Page):
    """A comment; attachments uploaded by the script first (ids in the form) or,
    without script, sent as `file` parts of a multipart form and uploaded here."""

    def __init__(self, web):
        super().__init__(web)
        self.max_body = max_body()

    @page(login=True)
    def on_post(self, req, resp, dossier_id):
        """Post a comment with its attachments' file ids."""
        parts = getattr(req.context, "parts", None)
        if parts is None:
            form, listed = form_of(req), form_list(req, "file_ids")
            uploaded = []
        else:
            uploaded = [
                upload_one(self.web, req, dossier_id, "attachment", f, _audience(parts))
                for f in parts.files(max_file())
            ]
            uploaded = [meta["id"] for meta in uploaded]
            form, listed = parts, parts.getlist("file_ids")
        ids = [i for i in ",".join(listed).split(",") if i] + uploaded
        body = {
            "body": (form.get("body") or "").strip(),
            "internal": form.get("internal") == "true",
            "file_ids": ids[:20],
        }
        task = (form.get("task_id") or "").strip()
        if task.isascii() and task.isdigit():  # "²".isdigit() too, int() refuses it
            body["task_id"] = int(task)
        self.call(req, "dossiers", "add_comment", dossier_id, body)
        back = safe_next(form.get("next")) or (
            page_link("staff_dossier", dossier_id=dossier_id) + "#discussion"
        )
        redirect(resp, back)


def routes(web):
    return [
        (PAGES["my_work"], MyWork(web)),
        (PAGES["task"], TaskUpdate(web)),
        (PAGES["comment"], Comment(web)),
    ]
