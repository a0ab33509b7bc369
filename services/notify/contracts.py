"""What other code may rely on: notify emits no events; its RPC methods.

Notify consumes accounts events (account_registered, password_reset_requested,
account_registration_attempted, login_failures_detected) and
dossiers events (dossier_submitted, dossier_status_changed, comment_added,
task_assigned); see contracts.yaml.
"""

EVENTS = ()

RPC = (
    "health",
    "list_deliveries",
    "get_template",
    "preview_template",
    "save_template",
    "create_bulk_mail",
    "get_bulk_mail",
    "list_bulk_recipients",
    "confirm_bulk_mail",
    "cancel_bulk_mail",
    "approve_bulk_mail",
    "run_reminders",
)
