"""Benchmark: mask a page of TMF documents for a role that sees masked numbers.

    uv run python bench/masking.py              # 1,000 documents (the largest API page)
    uv run python bench/masking.py --docs 5000
    uv run python bench/masking.py --ci         # 100 documents, quick

Every TMF answer to such a role goes through ``core.selectors.shown`` at the
API's edge, and so does every event to such a listener. This builds synthetic
trouble-ticket-shaped documents (ids, hrefs, times, a description with a mobile
number, a note with a fixed line, an e-mail address with a number in it) and
prints documents per second, the cost per string looked at, and the machine.
No database is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any


def document(n: int) -> dict[str, Any]:
    mobile = f"1{3 + n % 7}{n % 10}{n:08d}"[:11]
    return {
        "id": f"WO{n:09d}",
        "href": f"https://telcodesk.example/tmf-api/troubleTicket/v4/troubleTicket/WO{n:09d}",
        "@type": "TroubleTicket",
        "status": "inProgress",
        "creationDate": "2025-09-30T02:00:00Z",
        "lastUpdate": "2025-09-30T04:12:45Z",
        "description": f"宽带断线，客户回电 {mobile}，上门前先联系",
        "relatedParty": [{"id": f"C{n:09d}", "name": "张伟", "role": "customer",
                          "@referredType": "Customer"}],
        "note": [{"id": "1", "author": "tech.ty-xd", "date": "2025-09-30T03:00:00Z",
                  "text": f"固话 0351-{7000000 + n % 999999} 无拨号音"}],
        "characteristic": [{"name": "emailAddress", "value": f"{mobile}@189.cn"}],
    }


def strings(value: Any) -> int:
    if isinstance(value, str):
        return 1
    if isinstance(value, dict):
        return sum(strings(v) for v in value.values())
    if isinstance(value, list):
        return sum(strings(v) for v in value)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--ci", action="store_true", help="100 documents")
    args = parser.parse_args()
    count = 100 if args.ci else args.docs

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    import django

    django.setup()
    from telcodesk.core.selectors import shown

    docs = [document(n) for n in range(count)]
    looked_at = strings(docs)
    shown(None, docs[:10], full=False)  # warm up the matcher's metadata
    start = time.perf_counter()
    masked = shown(None, docs, full=False)
    seconds = time.perf_counter() - start
    left = sum(1 for before, after in zip(docs, masked, strict=True)
               if before["characteristic"][0]["value"][:11] in json.dumps(after,
                                                                          ensure_ascii=False))
    print(f"documents: {count:,} ({looked_at:,} strings, 3 numbers per document)")
    print(f"masked in {seconds * 1000:.0f} ms: {count / seconds:,.0f} documents/s, "
          f"{seconds / looked_at * 1e6:.1f} µs per string")
    print(f"numbers left unmasked: {left}")
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {platform.system()}")
    if left:
        sys.exit(1)


if __name__ == "__main__":
    main()
