"""`python -m services.contracts [--check]`: write (or compare) contracts.yaml."""

import sys

from .callers import ROOT
from .document import render

if __name__ == "__main__":
    target = ROOT / "contracts.yaml"
    text = render()
    if "--check" in sys.argv[1:]:
        sys.exit(0 if target.read_text(encoding="utf-8") == text else 1)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
