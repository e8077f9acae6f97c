"""Run one benchmark at 2,000, 20,000 and 150,000 children and print its figures side by side
(each size's database is wirral_bench_<n>, made by the benchmark when missing).

    nice -n 10 .venv/bin/python bench/side_by_side.py bench_dashboards.py --runs 7
    nice -n 10 .venv/bin/python bench/side_by_side.py bench_floor.py
    nice -n 10 .venv/bin/python bench/side_by_side.py bench_scan.py --sizes 2000,20000
    nice -n 5 .venv/bin/python bench/side_by_side.py bench_child_pages.py --rounds 3
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _flat(report: dict, prefix: str = "") -> dict[str, object]:
    """The report's leaves, by path; a page's median stands for the page."""
    out: dict[str, object] = {}
    for key, value in report.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if "req_per_s" in value:  # a load test's profile
                for part in ("req_per_s", "median_ms", "p95_ms", "errors", "requests"):
                    out[f"{name}: {part}"] = value[part]
            elif "median_ms" in value:
                out[name] = value["median_ms"]
                if "first_ms" in value:
                    out[f"{name} (first)"] = value["first_ms"]
            else:
                out.update(_flat(value, f"{name}: "))
        elif isinstance(value, int | float | str) and key not in ("children",):
            out[name] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("script")
    parser.add_argument("--sizes", default="2000,20000,150000")
    args, rest = parser.parse_known_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for n in sizes:
        out = subprocess.run(
            [sys.executable, str(HERE / args.script), "--children", str(n), *rest],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[n] = _flat(json.loads(out[out.index("{") :]))
    names = list(dict.fromkeys(k for r in results.values() for k in r))
    width = max(len(n) for n in names)
    print(f"{'':{width}}  " + "  ".join(f"{n:>12,}" for n in sizes))
    for name in names:
        cells = "  ".join(f"{str(results[n].get(name, '')):>12}" for n in sizes)
        print(f"{name:{width}}  {cells}")


if __name__ == "__main__":
    main()
