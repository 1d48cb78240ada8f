"""A seeded national-mix data set of service centers for the benchmark (bench/check_bench.py).

    python bench/national.py 10k            # writes bench/data/10k/{yaml,jsonl}/ (skipped if already there)
    python bench/national.py 641k --force

The national mix (issue 8): ≈ 333 city, 2,800 county, 38,000 township and 600,000 village
centers, 641,133 in all; a smaller size keeps the same proportions. Every center is one of the
51 bundled Shijiazhuang examples (examples/shijiazhuang/, same tier) with a new id, division
code and name, and seeded changes (hall area and windows, population, flags flipped, sections
or matters dropped), so that every clause sees pass, fail and not_declared.

Layout, ids in ascending order through the files as a directory walk sorts them (so the
report's id order is the input order):

    yaml/<city code>/<city code>.yaml      the city center (``centers:``, one item)
    yaml/<city code>/<county code>.yaml    the county center, its townships and their villages
    jsonl/<city code>.jsonl                the same centers, one JSON object per line

Standard library plus PyYAML (to read the examples). Deterministic: one ``random.Random(seed)``.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "shijiazhuang"
DATA = Path(__file__).resolve().parent / "data"
NATIONAL = {"city": 333, "county": 2_800, "township": 38_000, "village": 600_000}
FULL = sum(NATIONAL.values())  # 641,133
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "641k": FULL}
SEED = 2016


def counts(total: int) -> dict[str, int]:
    """Centers per tier for ``total`` centers in the national proportions (at least one of each)."""
    out = {tier: max(1, round(n * total / FULL)) for tier, n in NATIONAL.items()}
    out["village"] += total - sum(out.values())
    return out


def templates() -> dict[str, list[dict[str, Any]]]:
    by_tier: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(EXAMPLES.glob("*/*.yaml")):
        center = yaml.safe_load(path.read_text(encoding="utf-8"))["center"]
        by_tier.setdefault(center["tier"], []).append(_plain(center))
    return by_tier


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def vary(rng: random.Random, template: dict[str, Any], cid: str, code: str, parent: str | None) -> dict[str, Any]:
    """A copy of ``template`` as another center: new id, code, name, parent; seeded changes."""
    c = copy.deepcopy(template)
    c["id"] = cid
    c["region_code"] = code
    c["name"] = f"{c['name']}（{code}）"
    if parent:
        c["parent"] = parent
    else:
        c.pop("parent", None)
    if "population" in c:
        c["population"] = max(0, int(c["population"] * rng.uniform(0.5, 1.8)))
    hall = c.get("hall")
    if isinstance(hall, dict):
        if "area_m2" in hall and rng.random() < 0.8:
            area = hall["area_m2"] * rng.uniform(0.6, 1.6)
            hall["area_m2"] = round(area) if rng.random() < 0.8 else round(area * 2) / 2
        if "windows" in hall and rng.random() < 0.5:
            hall["windows"] = max(0, hall["windows"] + rng.randint(-2, 3))
        if rng.random() < 0.1:
            hall["one_window_acceptance"] = rng.random() < 0.5
    for section in ("platform", "performance"):
        part = c.get(section)
        if isinstance(part, dict):
            for key, value in part.items():
                if isinstance(value, bool) and rng.random() < 0.15:
                    part[key] = not value
    for section in ("organization", "platform", "performance"):
        if section in c and rng.random() < 0.03:
            del c[section]
    matters = c.get("matters")
    if isinstance(matters, list):
        for m in matters:
            if rng.random() < 0.05:
                m["online"] = not m.get("online", False)
            if rng.random() < 0.02:
                m["in_center"] = not m.get("in_center", True)
        if matters and rng.random() < 0.1:
            del matters[rng.randrange(len(matters))]
    deps = c.get("departments")
    if isinstance(deps, list):
        for d in deps:
            if "resident" in d and rng.random() < 0.03:
                d["resident"] = not d["resident"]
    return c


def national(total: int, seed: int = SEED) -> list[list[dict[str, Any]]]:
    """The centers, grouped as files: a city's own file, then one per county (county, townships, villages)."""
    rng = random.Random(seed)
    n = counts(total)
    tmpl = templates()
    cities = [f"{11 + i // 12:02d}{i % 12 + 1:02d}" for i in range(n["city"])]  # PPCC
    county_of_city: dict[str, list[str]] = {c: [] for c in cities}
    for i in range(n["county"]):
        city = cities[i % len(cities)]
        county_of_city[city].append(f"{city}{len(county_of_city[city]) + 1:02d}")
    counties = [k for c in cities for k in county_of_city[c]]
    townships: dict[str, list[str]] = {k: [] for k in counties}
    for i in range(n["township"]):
        county = counties[i % len(counties)]
        townships[county].append(f"{county}{len(townships[county]) + 1:03d}")
    all_townships = [t for k in counties for t in townships[k]]
    villages: dict[str, int] = dict.fromkeys(all_townships, 0)
    for i in range(n["village"]):
        villages[all_townships[i % len(all_townships)]] += 1

    files: list[list[dict[str, Any]]] = []
    for city in cities:
        files.append([vary(rng, rng.choice(tmpl["city"]), f"{city}00-city", f"{city}00", None)])
        for county in county_of_city[city]:
            group = [vary(rng, rng.choice(tmpl["county"]), f"{county}-county", county, f"{city}00-city")]
            for town in townships[county]:
                group.append(vary(rng, rng.choice(tmpl["township"]), f"{town}-township", town, f"{county}-county"))
                for v in range(villages[town]):
                    code = f"{town}{v + 1:03d}"
                    group.append(vary(rng, rng.choice(tmpl["village"]), f"{code}-village", code, f"{town}-township"))
            files.append(group)
    return files


# ---------------------------------------------------------------- writing

_PLAIN = re.compile(r"[a-z][a-z_]*|[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Za-z（）〔〕、]*")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if v is None:
        return "null"
    if isinstance(v, str) and _PLAIN.fullmatch(v) and v not in _WORDS:
        return v
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _emit(value: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for k, v in value.items():
        if isinstance(v, dict):
            lines.append(f"{pad}{k}:")
            _emit(v, indent + 2, lines)
        elif isinstance(v, list) and (not v or not isinstance(v[0], dict)):
            lines.append(f"{pad}{k}: [{', '.join(_scalar(x) for x in v)}]")
        elif isinstance(v, list):
            lines.append(f"{pad}{k}:")
            for item in v:
                sub: list[str] = []
                _emit(item, indent + 4, sub)
                lines.append(f"{pad}  - {sub[0].lstrip()}")
                lines += sub[1:]
        else:
            lines.append(f"{pad}{k}: {_scalar(v)}")


def yaml_text(centers: list[dict[str, Any]]) -> str:
    lines = ["# generated by bench/national.py - national-mix benchmark data", "centers:"]
    for c in centers:
        sub: list[str] = []
        _emit(c, 4, sub)
        lines.append(f"  - {sub[0].lstrip()}")
        lines += sub[1:]
    return "\n".join(lines) + "\n"


def write(size: str, force: bool = False, seed: int = SEED, root: Path = DATA) -> Path:
    """Write the data set of ``size`` under ``root/size`` (unless it is already complete); return that folder."""
    out = root / size
    done = out / ".complete"
    if done.exists() and not force:
        return out
    if out.exists():
        shutil.rmtree(out)
    (out / "yaml").mkdir(parents=True)
    (out / "jsonl").mkdir()
    total = 0
    jsonl: dict[str, list[str]] = {}
    for group in national(SIZES[size], seed):
        city = group[0]["region_code"][:4]
        name = group[0]["region_code"][:6]
        folder = out / "yaml" / city
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(yaml_text(group), encoding="utf-8")
        jsonl.setdefault(city, []).extend(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in group)
        total += len(group)
        if len(jsonl) > 1:  # a city is complete: write it and forget it
            first = next(iter(jsonl))
            (out / "jsonl" / f"{first}.jsonl").write_text("\n".join(jsonl.pop(first)) + "\n", encoding="utf-8")
    for city, lines in jsonl.items():
        (out / "jsonl" / f"{city}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done.write_text(json.dumps({"centers": total, "seed": seed, "counts": counts(SIZES[size])}) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sizes", nargs="+", choices=list(SIZES))
    p.add_argument("--force", action="store_true", help="write again even if present")
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    for size in args.sizes:
        print(write(size, args.force, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
