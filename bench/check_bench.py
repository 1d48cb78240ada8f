"""Benchmark of ``hallmark check`` on a national-mix data set (issue 8). Not a test: it asserts nothing.

    python bench/check_bench.py                      # sizes 10k,100k (make bench)
    python bench/check_bench.py --sizes 10k,100k,641k --jobs 2

For each size it generates the seeded data set (bench/national.py; cached in bench/data/), then:

1. end to end, as a user runs it (``hallmark check`` in a fresh process, ``--jobs N``, report written
   to a file): YAML folders → ``--format json``; JSON Lines → ``--format jsonl``; and JSON Lines with
   ``--engine python`` (the plain-Python reference evaluator) for the ratio. Wall time, centers/s and
   the peak RSS of the largest process (the parent or a worker);
2. verdicts: the durable_rules and reference reports are read back line by line and every
   (center, clause, status, expected, actual) compared: the disagreement count must be 0;
3. stages, in this process on one core, on the first ≥ ``--stage-centers`` centers (every stage sees
   the same centers): strict YAML loader, fast YAML path, JSON Lines path, validation (jsonschema in
   Python vs the fast check), facts, durable_rules evaluation, reference evaluation, report building,
   serialisation — µs per center and centers/s.

Prints a table and writes everything, with the machine's facts (cores, CPU, Python, package
versions), to bench/results/check-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import national  # noqa: E402

RESULTS = HERE / "results"
AS_OF = "2019-01-01"
STANDARD = "sjz-proposed"
TARGETS = {
    "yaml_end_to_end_s": 120.0,  # 641k, --jobs 2
    "jsonl_end_to_end_s": 60.0,
    "durable_centers_per_s_per_core": 6200.0,
    "rss_growth_mb": 100.0,  # from 10k to 641k
    "startup_s": 0.5,
}
PACKAGES = ("hallmark", "durable_rules", "PyYAML", "jsonschema", "jsonschema-rs", "orjson", "yaml-rs")


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def hallmark() -> list[str]:
    script = Path(sys.executable).parent / "hallmark"
    return [str(script)] if script.exists() else [sys.executable, "-m", "hallmark"]


_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(p.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run(argv: list[str]) -> dict[str, Any]:
    """Wall time and the peak RSS of the largest process of one run of ``argv``."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True, cwd=ROOT)
    code, seconds, rss_kb = out.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n{out.stderr}")
    return {"seconds": float(seconds), "peak_rss_mb": int(rss_kb) / 1024, "exit": int(code)}


def end_to_end(folder: Path, centers: int, jobs: int, out: Path) -> dict[str, Any]:
    common = ["--standard", STANDARD, "--as-of", AS_OF, "--jobs", str(jobs), "--no-progress"]
    runs = {
        "yaml_json": [*hallmark(), "check", str(folder / "yaml"), "--format", "json", "--output", str(out / "y.json")],
        "jsonl_jsonl": [
            *hallmark(),
            "check",
            str(folder / "jsonl"),
            "--format",
            "jsonl",
            "--output",
            str(out / "d.jsonl"),
        ],
        "jsonl_python": [
            *hallmark(),
            "check",
            str(folder / "jsonl"),
            "--format",
            "jsonl",
            "--engine",
            "python",
            "--output",
            str(out / "p.jsonl"),
        ],
    }
    result = {}
    for name, argv in runs.items():
        r = run([*argv, *common])
        r["centers_per_s"] = centers / r["seconds"]
        r["us_per_center"] = r["seconds"] / centers * 1e6
        result[name] = r
        print(f"  {name:14s} {r['seconds']:8.1f} s  {r['centers_per_s']:8.0f} centers/s  {r['peak_rss_mb']:6.0f} MB")
    result["disagreements"] = disagreements(out / "d.jsonl", out / "p.jsonl")
    result["yaml_vs_jsonl_disagreements"] = yaml_vs_jsonl(out / "y.json", out / "d.jsonl")
    result["report_bytes"] = {"json": (out / "y.json").stat().st_size, "jsonl": (out / "d.jsonl").stat().st_size}
    return result


def _verdicts(center: dict[str, Any]) -> list[Any]:
    return [(r["clause"], r["status"], r["expected"], r["actual"]) for r in center["results"]]


def disagreements(durable: Path, python: Path) -> int:
    """(center, clause) pairs whose status, expected or actual differ between the two reports."""
    count = 0
    with durable.open(encoding="utf-8") as a, python.open(encoding="utf-8") as b:
        next(a), next(b)
        for la, lb in zip(a, b, strict=True):
            ca, cb = json.loads(la), json.loads(lb)
            if ca["id"] != cb["id"]:
                raise SystemExit("the two reports list different centers")
            count += sum(x != y for x, y in zip(_verdicts(ca), _verdicts(cb), strict=True))
    return count


def yaml_vs_jsonl(yaml_report: Path, jsonl_report: Path) -> int:
    """The same centers read from YAML and from JSON Lines: their verdicts must not differ either."""
    by_id: dict[str, Any] = {}
    with jsonl_report.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            c = json.loads(line)
            by_id[c["id"]] = _verdicts(c)
    count = 0
    for c in _json_centers(yaml_report):
        count += sum(x != y for x, y in zip(_verdicts(c), by_id.pop(c["id"], []), strict=False))
    return count + len(by_id)


def _json_centers(path: Path) -> Any:
    """The centers of a ``--format json`` report, one at a time (it is indented: one center per block)."""
    with path.open(encoding="utf-8") as fh:
        block: list[str] = []
        inside = False
        for line in fh:
            if line == "    {\n":
                inside, block = True, [line]
            elif inside:
                block.append(line)
                if line in ("    },\n", "    }\n"):
                    inside = False
                    yield json.loads("".join(block).rstrip().rstrip(","))


def startup(jobs: int) -> dict[str, Any]:
    one = ROOT / "examples" / "shijiazhuang" / "village" / "130105001001-village.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        argv = [*hallmark(), "check", str(one), "--as-of", AS_OF, "--format", "json", "--output", f"{tmp}/o.json"]
        times = sorted(run([*argv, "--jobs", str(jobs)])["seconds"] for _ in range(5))
    return {"median_s": times[2], "min_s": times[0], "runs": times}


def stages(folder: Path, at_least: int) -> dict[str, Any]:
    """µs per center of each stage, in this process, on the first ``at_least`` centers (one core)."""
    from engine import fastload, pipeline, pyeval, runner, source
    from engine.center import CenterDoc, _parse
    from engine.check import _center_report
    from engine.compiler import compile_standard
    from engine.facts import build_facts
    from engine.fastload import _json_places, fast_valid
    from engine.rulebook import load_rulebook
    from engine.standard import load_standard
    from engine.validate import at, schema_validator

    std, rules, as_of = load_standard(STANDARD), load_rulebook(), dt.date.fromisoformat(AS_OF)
    files, n = [], 0
    for path in sorted((folder / "yaml").rglob("*.yaml")):
        files.append(path)
        n += path.read_bytes().count(b"\n  - id: ")
        if n >= at_least:
            break
    raws = [p.read_bytes() for p in files]
    jsonl = sorted((folder / "jsonl").glob("*.jsonl"))
    lines: list[bytes] = []
    for path in jsonl:
        lines += path.read_bytes().splitlines()
        if len(lines) >= n:
            break
    lines = lines[:n]
    t: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        gc.collect()
        start = time.perf_counter()
        out = fn()
        t[name] = time.perf_counter() - start
        return out

    sample = raws[:: max(1, len(raws) // 5)]  # the strict loader is slow: a few files, scaled by bytes
    timed("parse YAML, strict loader", lambda: [source.load_document(r, "f.yaml") for r in sample])
    t["parse YAML, strict loader"] *= sum(map(len, raws)) / sum(map(len, sample))
    docs = timed("parse YAML, fast path", lambda: [fastload.scan_yaml(r.decode(), "f.yaml", "") for r in raws])
    jdocs = timed(
        "parse JSON Lines, fast path",
        lambda: [fastload.scan_json_line(x.decode(), "f.jsonl", 1, "") for x in lines],
    )
    # places: the tokenizer gives every value's (what the fast path did per line before); reports now
    # ask for theirs on demand — that cost is in "report building, JSON Lines centers" below
    timed("JSON Lines places, every value (tokenizer)", lambda: [_json_places(x.decode(), 1) for x in lines])
    bases = [(d, ("centers", i)) for d in docs for i in range(len(d.data["centers"]))]
    validator = schema_validator("center.schema.json")
    timed("validate, jsonschema (Python)", lambda: [validator.is_valid(at(d.data, b)) for d, b in bases])
    timed("validate, fast check", lambda: [fast_valid(at(d.data, b)) for d, b in bases])
    centers = [c for d in docs for c in _parse(d, check_duplicates=False)]
    facts = timed("facts", lambda: [build_facts(c, std.registries) for c in centers])
    rulesets = timed("compile (cached)", lambda: [compile_standard(std, rules, c.tier, as_of) for c in centers])
    # as a worker evaluates a unit: its centers in batches (runner.evaluate_in_process), rulesets
    # registered first (once per worker)
    definitions = {r.name: r.definition for r in rulesets}
    tasks = [
        runner.Task(i, c.id, rs.name, f.facts)
        for i, (c, rs, f) in enumerate(zip(centers, rulesets, facts, strict=True))
    ]
    runner.evaluate_in_process(definitions, tasks[:1])
    results = timed("evaluate, durable_rules", lambda: runner.evaluate_in_process(definitions, tasks))
    timed(
        "evaluate, reference (python)",
        lambda: [pyeval.evaluate(rs, f.facts) for rs, f in zip(rulesets, facts, strict=True)],
    )
    # reports are built and dropped, as the pipeline does (keeping 10k reports alive made the
    # garbage collector's passes weigh on this stage: ≈ 2× its cost in the pipeline)
    together = list(zip(centers, facts, rulesets, results, strict=True))
    timed("report building", lambda: [_center_report(c, f, rs, r, {}, as_of) and None for c, f, rs, r in together])
    t["serialise (json)"] = 0.0
    for k in range(0, len(together), 256):
        chunk = [_center_report(c, f, rs, r, {}, as_of) for c, f, rs, r in together[k : k + 256]]
        start = time.perf_counter()
        for report in chunk:
            pipeline.center_json(report, "json")
        t["serialise (json)"] += time.perf_counter() - start
    jcenters = [CenterDoc(d.data, d, ()) for d in jdocs if d is not None]
    jfacts = [build_facts(c, std.registries) for c in jcenters]
    jrules = [compile_standard(std, rules, c.tier, as_of) for c in jcenters]
    jresults = [
        runner.TaskResult(i, pyeval.evaluate(rs, f.facts)) for i, (rs, f) in enumerate(zip(jrules, jfacts, strict=True))
    ]
    timed(
        "report building, JSON Lines centers (places on demand)",
        lambda: [
            _center_report(c, f, rs, r, {}, as_of) and None
            for c, f, rs, r in zip(jcenters, jfacts, jrules, jresults, strict=True)
        ],
    )
    t["report building, JSON Lines centers (places on demand)"] *= len(centers) / max(1, len(jcenters))
    n = len(centers)
    return {
        "centers": n,
        "us_per_center": {k: v / n * 1e6 for k, v in t.items()},
        "centers_per_s": {k: n / v for k, v in t.items() if v},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="10k,100k", help=f"comma-separated, of: {', '.join(national.SIZES)}")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--stage-centers", type=int, default=10_000)
    p.add_argument("--keep-reports", action="store_true", help="keep the written reports (bench/data/<size>/reports)")
    args = p.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in national.SIZES:
            p.error(f"unknown size {s}")
    facts = machine()
    print(f"machine: {facts['cores']} cores, {facts['cpu']}, Python {facts['python']}")
    record: dict[str, Any] = {"machine": facts, "jobs": args.jobs, "sizes": {}, "targets": TARGETS}
    record["startup"] = startup(args.jobs)
    print(f"start-up, one small file: {record['startup']['median_s']:.2f} s (median of 5)")
    for size in sizes:
        total = national.SIZES[size]
        print(f"size {size}: generating …", flush=True)
        folder = national.write(size)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            out = Path(tmp)
            print(f"size {size} ({total} centers), end to end, --jobs {args.jobs}:")
            e2e = end_to_end(folder, total, args.jobs, out)
            if args.keep_reports:
                (folder / "reports").mkdir(exist_ok=True)
                for f in out.iterdir():
                    os.replace(f, folder / "reports" / f.name)
        st = stages(folder, min(args.stage_centers, total))
        record["sizes"][size] = {"centers": total, "end_to_end": e2e, "stages": st}
    record["verdict"] = verdict(record)
    print()
    print(table(record))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"check-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {path.relative_to(ROOT)}")
    return 0


def verdict(record: dict[str, Any]) -> dict[str, Any]:
    sizes = record["sizes"]
    out: dict[str, Any] = {"startup_s": record["startup"]["median_s"]}
    if "641k" in sizes:
        e2e = sizes["641k"]["end_to_end"]
        out["yaml_end_to_end_s"] = e2e["yaml_json"]["seconds"]
        out["jsonl_end_to_end_s"] = e2e["jsonl_jsonl"]["seconds"]
        if "10k" in sizes:
            small = sizes["10k"]["end_to_end"]
            out["rss_growth_mb"] = max(
                e2e[k]["peak_rss_mb"] - small[k]["peak_rss_mb"] for k in ("yaml_json", "jsonl_jsonl")
            )
    per_core = [s["stages"]["centers_per_s"]["evaluate, durable_rules"] for s in sizes.values()]
    if per_core:
        out["durable_centers_per_s_per_core"] = min(per_core)
    out["disagreements"] = sum(s["end_to_end"]["disagreements"] for s in sizes.values())
    out["met"] = {
        k: (v <= TARGETS[k] if k != "durable_centers_per_s_per_core" else v >= TARGETS[k])
        for k, v in out.items()
        if k in TARGETS
    }
    return out


def table(record: dict[str, Any]) -> str:
    sizes = record["sizes"]
    names = list(sizes)
    rows = [["", *names]]
    for key, label in (
        ("yaml_json", "YAML → json"),
        ("jsonl_jsonl", "JSONL → jsonl"),
        ("jsonl_python", "JSONL, reference"),
    ):
        rows.append([f"end to end {label}, s", *(f"{sizes[s]['end_to_end'][key]['seconds']:.1f}" for s in names)])
        rows.append(["  centers/s", *(f"{sizes[s]['end_to_end'][key]['centers_per_s']:.0f}" for s in names)])
        rows.append(["  peak RSS, MB", *(f"{sizes[s]['end_to_end'][key]['peak_rss_mb']:.0f}" for s in names)])
    rows.append(
        ["verdict disagreements durable vs reference", *(str(sizes[s]["end_to_end"]["disagreements"]) for s in names)]
    )
    rows.append(
        [
            "verdict disagreements YAML vs JSONL",
            *(str(sizes[s]["end_to_end"]["yaml_vs_jsonl_disagreements"]) for s in names),
        ]
    )
    stage_names = list(next(iter(sizes.values()))["stages"]["us_per_center"]) if sizes else []
    rows.append(["stage (one core), µs/center  [centers/s]", *("" for _ in names)])
    for stage in stage_names:
        cells = []
        for s in names:
            us = sizes[s]["stages"]["us_per_center"][stage]
            cells.append(f"{us:.1f}  [{1e6 / us:.0f}]" if us else "-")
        rows.append([f"  {stage}", *cells])
    ratio = [
        sizes[s]["stages"]["us_per_center"]["evaluate, reference (python)"]
        / sizes[s]["stages"]["us_per_center"]["evaluate, durable_rules"]
        for s in names
    ]
    rows.append(["  durable / reference speed", *(f"{r:.0%}" for r in ratio)])
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, width, strict=True)))
        for r in rows
    ]
    v = record["verdict"]
    lines.append("")
    lines.append(f"start-up, one small file: {v['startup_s']:.2f} s (target < {TARGETS['startup_s']} s)")
    for k, met in v["met"].items():
        lines.append(f"target {k}: {v[k]:.1f} (target {TARGETS[k]}) — {'met' if met else 'NOT met'}")
    lines.append(f"verdict disagreements, all sizes: {v['disagreements']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
