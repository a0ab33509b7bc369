"""An append-only, hash-chained audit log: one chain per service database.

Each entry carries `prev_hash` (the hash of the entry before it) and `hash` =
sha256(prev_hash + canonical JSON of the entry's other columns). Changing, removing
or reordering any entry breaks the chain from that entry on, and `verify` names the
first broken one. Appends take a transaction-scoped advisory lock, so two
transactions never chain onto the same predecessor, and run in the same transaction
as the change they record (just before its commit): a rolled-back change leaves no
entry. A PostgreSQL trigger (see `protect`) refuses UPDATE, DELETE and TRUNCATE.

What the chain cannot tell alone is the loss of the newest entries; `verify` prints
the head hash so that an operator can keep it elsewhere and pass it back later
(`--anchor`): the check then fails unless that entry is still in the chain.

Command: `python -m services.shared.audit verify <service> [--anchor <hash>]` reads
the service's database from the same settings as the service (shared/config.py).
"""

from .chain import (
    GENESIS,
    TABLE,
    AuditMixin,
    Verdict,
    append,
    canonical,
    entry_hash,
    verify,
    verify_rows,
    verify_service,
)
from .reading import list_entries
from .schema import chain_existing, create_table, protect, unprotect

__all__ = [
    "GENESIS",
    "TABLE",
    "AuditMixin",
    "Verdict",
    "append",
    "canonical",
    "chain_existing",
    "create_table",
    "entry_hash",
    "list_entries",
    "protect",
    "unprotect",
    "verify",
    "verify_rows",
    "verify_service",
]
