"""`python -m services.shared.audit verify <service>`: check one service's chain.

Reads the service's database from the same settings as the service itself
(PORTAL_PG_DSN_BASE, PORTAL_DB_PREFIX or PORTAL_<SERVICE>_DB_URL). Prints OK with the
count and the head hash (keep it elsewhere to notice lost newest entries later), or
the first broken entry; exits 0, 1 when broken, 2 on wrong usage, 3 when the
database cannot be read (so that a failure to check never reads as "broken").
"""

import sys

from sqlalchemy.exc import SQLAlchemyError

from .chain import verify_service

USAGE = "usage: python -m services.shared.audit verify <service>"


def main(argv=None):
    """Print OK with the count and head hash, or the first broken entry; exit 0/1."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "verify":
        print(USAGE, file=sys.stderr)
        return 2
    try:
        count, broken, head = verify_service(args[1])
    except SQLAlchemyError as exc:
        print(f"ERROR {args[1]}: cannot read the chain: {exc}", file=sys.stderr)
        return 3
    if broken is None:
        print(f"OK {args[1]}: {count} entries, head {head}")
        return 0
    print(f"BROKEN {args[1]}: entry {broken} (after {count} good entries)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
