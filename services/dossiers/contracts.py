"""Events the dossiers service emits; every payload carries `dossier` (the index
snapshot of `snapshot.py`) and `version` (the dossier's integer version).

- dossier_submitted: {dossier_id, from, to, action, actor, note, reason,
  receipt_number, appointment_date, resubmission, dossier, version}
- dossier_status_changed: {dossier_id, from, to, action, actor: {id, full_name, role},
  note, reason, receipt_number, appointment_date, dossier, version}
- dossier_updated: {dossier_id, changes: [what], actor, dossier, version}
- comment_added: {dossier_id, comment: {id, body, internal, author, task_id,
  file_ids}, dossier, version}
- task_assigned: {dossier_id, task: {id, title, assignee, due_date, status},
  dossier, version}
- dossier_submission_refused: {dossier_id, problems: {"form.<field>" |
  "documents.<slot>": [messages]}, labels: {same keys: {vi, en}}, actor, dossier,
  version} — a submit answered 422 DOSSIER_INVALID (its own transaction; the
  dossier is unchanged)
"""

EVENTS = (
    "dossier_submitted",
    "dossier_status_changed",
    "dossier_updated",
    "comment_added",
    "task_assigned",
    "dossier_submission_refused",
)
