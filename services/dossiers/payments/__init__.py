"""Fees and online payment of level-4 dossiers (see services/dossiers/README.md,
"Fees and payment"): `fees` (the procedure's fee rule, pure), `states` (a dossier's
payment state, pure), `provider` (the adapter interface and its configuration),
`vnpay` (the first adapter: signed redirect parameters and IPN), `ledger` (payments
and callbacks in the database, the workflow hooks)."""
