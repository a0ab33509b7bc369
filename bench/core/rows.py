"""The rows of the core benchmark's table (importable without its load tools)."""

# Each row: (name, the row its ratio is taken to, or None for a floor).
ROWS = (
    ("GET /healthz (HTTP floor)", None),
    ("raw kombu request/reply (RPC floor)", None),
    ("nameko RPC via gateway client", "raw kombu request/reply (RPC floor)"),
    ("GET procedure (one RPC)", "GET /healthz (HTTP floor)"),
    ("GET dossier, bearer token", "GET /healthz (HTTP floor)"),
    ("create + submit (2 requests)", "GET /healthz (HTTP floor)"),
    ("reception, 16 desks", "GET /healthz (HTTP floor)"),
    ("mixed journey (6 requests)", "GET /healthz (HTTP floor)"),
)
