"""Array parameters in text and in binary form through psycopg: what one UNNEST statement
of a batch of received mail costs to send (`klient.core.bulk.execute` writes arrays as
%b). Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test).

    .venv/bin/python bench/array_params.py --rows 250 --repeat 50"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

sys.path.insert(0, str(Path(__file__).parent))
import corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432") + "/test"
    # Real message texts of the ingest corpus (multilingual, with quotes and backslashes
    # where the mail has them), as the message insert sends them.
    bodies = [m.raw.decode("utf-8", "replace") for m in corpus.generate(args.rows)]
    columns = [
        bodies,
        list(range(args.rows)),
        [datetime.now(UTC)] * args.rows,
        [Jsonb({"message": i, "kind": "inbound"}) for i in range(args.rows)],
        [b[:200] for b in bodies],
    ]
    types = ["text", "bigint", "timestamptz", "jsonb", "text"]
    print(
        f"{args.rows} rows, {len(types)} array parameters, "
        f"mean text {sum(map(len, bodies)) / len(bodies):.0f} characters"
    )
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        for form in ("s", "b"):
            arrays = ", ".join(f"%{form}::{t}[]" for t in types)
            sql = f"SELECT count(*) FROM unnest({arrays})"
            cursor.execute(sql, columns)  # warm-up
            start = time.perf_counter()
            for _ in range(args.repeat):
                cursor.execute(sql, columns)
            per = (time.perf_counter() - start) / args.repeat * 1000
            name = "text (%s)" if form == "s" else "binary (%b)"
            print(f"{name:12} {per:7.2f} ms per statement")


if __name__ == "__main__":
    main()
