"""`python -m services.shared.audit verify <service> [--anchor <hash>]`.

Reads the service's database from the same settings as the service itself
(PORTAL_PG_DSN_BASE, PORTAL_DB_PREFIX or PORTAL_<SERVICE>_DB_URL). Prints OK with the
count and the head hash, or the first broken entry. Keep the printed head elsewhere
and pass it later as `--anchor <hash>`: a chain cut after some entry stays
consistent, so only an anchor found again shows that nothing older was lost. Exits
0 OK, 1 broken, 2 on wrong usage, 3 when the database cannot be read (so that a
failure to check never reads as "broken").
"""

import sys

from sqlalchemy.exc import SQLAlchemyError

from .chain import verify_service

USAGE = "usage: python -m services.shared.audit verify <service> [--anchor <hash>]"


def _arguments(args):
    """Return (service, anchor) or None when the command line is not understood."""
    if len(args) == 2 and args[0] == "verify":
        return args[1], None
    if len(args) == 4 and args[0] == "verify" and args[2] == "--anchor":
        return args[1], args[3]
    return None


def report(service, verdict):
    """Print the verdict; return the exit code."""
    if verdict.broken is not None:
        print(f"BROKEN {service}: entry {verdict.broken} (after {verdict.count} good)")
        return 1
    if not verdict.anchored:
        print(f"BROKEN {service}: the anchor is not in the chain (entries lost)")
        return 1
    print(f"OK {service}: {verdict.count} entries, head {verdict.head}")
    return 0


def main(argv=None):
    """Verify one service's chain; exit 0 OK, 1 broken, 2 usage, 3 unreadable."""
    parsed = _arguments(sys.argv[1:] if argv is None else argv)
    if parsed is None:
        print(USAGE, file=sys.stderr)
        return 2
    service, anchor = parsed
    try:
        verdict = verify_service(service, anchor)
    except SQLAlchemyError as exc:
        print(f"ERROR {service}: cannot read the chain: {exc}", file=sys.stderr)
        return 3
    return report(service, verdict)


if __name__ == "__main__":
    sys.exit(main())
