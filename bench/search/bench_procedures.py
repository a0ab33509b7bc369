"""Benchmark the national catalogue search: 34 provinces' procedures in one index.

One command (with `. deploy/local/env.sh`):
    PYTHONPATH=. $PORTAL_VENV/bin/python bench/search/bench_procedures.py

Writes the documents straight into an index of its own prefix on the configured
OpenSearch (`DossierIndex.bulk_procedures`, as a rebuild does), times
`search_procedures` for a few kinds of query (the asked province first), prints
p50/p95 and deletes the index.
"""

import argparse
import random
import statistics
import time
import uuid

from services.search import settings
from services.search.dependencies import DossierIndex
from services.search.engine import Engine
from services.shared import config

PROVINCES = [f"{i:02d}" for i in range(1, 35)]
SUBJECTS = ["khai sinh", "kết hôn", "khai tử", "hộ kinh doanh", "xây dựng nhà ở",
            "đất đai", "bản sao trích lục", "lý lịch tư pháp", "con nuôi",
            "giấy phép lái xe", "quảng cáo", "thành lập doanh nghiệp"]  # fmt: skip
VERBS = ["Đăng ký", "Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thu hồi", "Xác nhận"]


def entries(per_province, rnd):
    for province in PROVINCES:
        for i in range(per_province):
            name = f"{rnd.choice(VERBS)} {rnd.choice(SUBJECTS)} mẫu {i}"
            yield {
                "code": f"1.{i:06d}", "province": province, "name": name,
                "name_en": None, "level": rnd.randint(1, 4),
                "fee": rnd.choice([None, 0, 50000]),
                "agencies": [f"{province}-AG{rnd.randrange(100)}"],
                "received_elsewhere": True, "version": 1, "revision": 1,
            }  # fmt: skip


QUERIES = {
    "two words, diacritics": ("kết hôn", "01"),
    "two words, folded": ("ket hon", "79"),
    "word cut short": ("trich l", "48"),
    "code prefix": ("1.0001", "01"),
    "no text (all, province first)": (None, "01"),
}


def timed(fn, runs):
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        took.append((time.perf_counter() - start) * 1000)
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-province", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    cfg = config.nameko_config(settings.SETTINGS)
    prefix = f"benchproc{uuid.uuid4().hex[:6]}-"
    engine = Engine(cfg[settings.OPENSEARCH_URL.key], prefix, timeout=60)
    index = DossierIndex(engine)
    try:
        alias = engine.ensure_kind("procedures")
        rnd, batch, total = random.Random(7), [], 0
        start = time.perf_counter()
        for entry in entries(args.per_province, rnd):
            batch.append(entry)
            if len(batch) == 2000:
                total += index.bulk_procedures(batch, alias)[0]
                batch = []
        total += index.bulk_procedures(batch, alias)[0] if batch else 0
        engine.refresh(alias)
        print(f"indexed {total} procedures in {time.perf_counter() - start:.1f} s")
        for label, (text, province) in QUERIES.items():
            found = index.search_procedures(text, province, 1, 20)
            p50, p95 = timed(
                lambda t=text, p=province: index.search_procedures(t, p, 1, 20),
                args.runs,
            )
            print(f"{label:32} matches {found['total']:6}  p50 {p50:5.1f} ms  "
                  f"p95 {p95:5.1f} ms")  # fmt: skip
    finally:
        engine.client.indices.delete(index=f"{prefix}*", expand_wildcards="all")
        engine.close()


if __name__ == "__main__":
    main()
