"""Signing and verifying a result: PAdES through PKCS#11 (SoftHSM2), pyHanko.

Makes its own token and CA in a temporary directory (services/files/pki.py), signs
an A4 one-page PDF `--count` times for one agency and verifies each, and prints the
median and 90th percentile of both. Figures: bench/README.md.

    PYTHONPATH=. $PORTAL_VENV/bin/python bench/files/bench_sign.py --count 20
"""

import argparse
import datetime as dt
import io
import math
import statistics
import tempfile
import time

import img2pdf
from PIL import Image

from services.files import pki, signing


def page():
    image = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(image, "PNG")  # A4 at 150 dpi
    return img2pdf.convert(
        image.getvalue(), layout_fun=img2pdf.get_fixed_dpi_layout_fun((150, 150))
    )


def timed(fn, count):
    found = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        found.append((time.perf_counter() - start) * 1000)
    found.sort()
    # nearest rank: the smallest value with at least 90 % of the runs at or below it
    return statistics.median(found), found[math.ceil(len(found) * 0.9) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as where:
        settings = pki.PkiSettings(
            where, "/usr/lib/softhsm/libsofthsm2.so", "bench", "1234", "5678"
        )
        pki.ensure(settings)
        pki.enrol(settings, "BENCH", "UBND phường Đo Thử")
        signer, pdf = signing.Pkcs11Signer(settings), page()
        url = "http://127.0.0.1:8000/xac-thuc/x"
        now = dt.datetime.now(dt.UTC)
        who = signing.Who("Nguyễn Văn Đo", "BENCH", "UBND phường Đo Thử", now, url)
        signed = signer.sign(pdf, who)  # warm: library, font
        roots = signing.trust_roots(settings)
        sign = timed(lambda: signer.sign(pdf, who), count)
        verify = timed(lambda: signing.verify(signed, roots), count)
    print(f"sign   median {sign[0]:.0f} ms  p90 {sign[1]:.0f} ms  ({count} runs)")
    print(f"verify median {verify[0]:.0f} ms  p90 {verify[1]:.0f} ms")


if __name__ == "__main__":
    main()
