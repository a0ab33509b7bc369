"""Where the time goes, from the raw stacks `bench_core.py --profile DIR` wrote.

    python bench/core/profile_summary.py DIR [--top 12]

For each file (one row × one process, py-spy's collapsed stacks: one line per
distinct stack, frames separated by `;`, then the sample count) it prints the share
of samples spent inside each of the functions that matter on the request path
(a frame anywhere on the stack, so the shares overlap), then the functions with the
most samples at the top of the stack (where the CPU actually was).
"""

import argparse
import collections
import re
from pathlib import Path

# name shown: pattern matched against one frame "function (file:line)"
WATCHED = {
    "waiting (select/poll/sleep/locks)": r"^(select|poll|epoll|sleep|wait|acquire) ",
    "accounts authenticate": r"\bauthenticate \(services/accounts",
    "gateway RPC call (rpc.py)": r"\bcall \(gateway/rpc\.py",
    "new nameko proxy (_Entry)": r"__init__ \(gateway/rpc\.py",
    "token verify (session_tokens)": r"\bverify \(services/shared/session_tokens",
    "calendar_of": r"\bcalendar_of \(services/dossiers",
    "SQLAlchemy execute": r"\bexecute \(.*sqlalchemy/",
    "psycopg2 / DB wait": r"psycopg|psycogreen",
    "marshmallow load/dump": r"marshmallow/schema",
    "JSON logs": r"services/shared/logs\.py",
    "kombu / amqp": r"(kombu|amqp)/",
    "jinja2 render": r"jinja2/",
}


def read(path):
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def summary(path, top):
    stacks = read(path)
    total = sum(n for _, n in stacks) or 1
    print(f"\n## {path.stem}  ({total} samples)")
    for name, pattern in WATCHED.items():
        rx = re.compile(pattern)
        hit = sum(n for frames, n in stacks if any(rx.search(f) for f in frames))
        if hit:
            print(f"  {100 * hit / total:5.1f}%  {name}")
    leaves = collections.Counter()
    for frames, n in stacks:
        leaves[frames[-1] if frames else "?"] += n
    print("  top of stack:")
    for frame, n in leaves.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {frame[:110]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    for path in sorted(args.directory.glob("*.txt")):
        summary(path, args.top)


if __name__ == "__main__":
    main()
