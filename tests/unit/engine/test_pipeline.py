"""engine.pipeline: the streamed json/jsonl report is byte for byte the report ``check()`` builds in
memory, whatever the input order, the number of workers or the file kind (YAML, JSON Lines); input
problems are all reported and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from engine import outputs
from engine.check import Options, check, check_to
from engine.errors import InputError

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
CLOCK = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AS_OF = dt.date(2019, 1, 1)


def options(jobs: int = 0, engine: str = "durable") -> Options:
    return Options(as_of=AS_OF, jobs=jobs, engine=engine, clock=lambda: CLOCK)


def in_memory(paths: list[str], fmt: str = "json", engine: str = "durable") -> bytes:
    report = check(paths, options=options(0, engine))
    return outputs.get(fmt).render(report).encode()


def streamed(paths: list[str], tmp_path: Path, fmt: str = "json", jobs: int = 0, engine: str = "durable") -> bytes:
    target = tmp_path / f"out.{fmt}"
    check_to(paths, fmt, str(target), options=options(jobs, engine))
    return target.read_bytes()


@pytest.mark.parametrize("jobs", [0, 2])
def test_streamed_json_is_the_in_memory_report_byte_for_byte(tmp_path: Path, jobs: int) -> None:
    assert streamed([str(EXAMPLES)], tmp_path, jobs=jobs) == in_memory([str(EXAMPLES)])


def test_streamed_json_of_the_python_evaluator_is_its_in_memory_report(tmp_path: Path) -> None:
    assert streamed([str(EXAMPLES)], tmp_path, engine="python") == in_memory([str(EXAMPLES)], engine="python")


def test_centers_given_out_of_id_order_are_written_in_id_order(tmp_path: Path) -> None:
    """The village folder walks before the city file here: the spool is copied out in id order."""
    paths = [str(EXAMPLES / "village"), str(EXAMPLES / "city"), str(EXAMPLES / "county")]
    got = json.loads(streamed(paths, tmp_path))
    ids = [c["id"] for c in got["centers"]]
    assert ids == sorted(ids)
    assert streamed(paths, tmp_path) == in_memory(paths)


def test_jsonl_is_a_header_line_then_one_line_per_center_in_input_order(tmp_path: Path) -> None:
    paths = [str(EXAMPLES / "village"), str(EXAMPLES / "city")]
    head, *lines = [json.loads(line) for line in streamed(paths, tmp_path, "jsonl").splitlines()]
    whole = json.loads(in_memory(paths))
    assert head == {k: v for k, v in whole.items() if k != "centers"}
    assert [c["id"] for c in lines] == [p.stem for p in sorted((EXAMPLES / "village").glob("*.yaml"))] + ["130100-city"]
    assert sorted(lines, key=lambda c: c["id"]) == whole["centers"]


def jsonl_copy(tmp_path: Path, name: str = "centers.jsonl") -> Path:
    """The examples as one JSON Lines file (each center its own line)."""
    import yaml

    lines = []
    for path in sorted(EXAMPLES.glob("*/*.yaml")):
        center = yaml.safe_load(path.read_text(encoding="utf-8"))["center"]
        center = json.loads(json.dumps(center, default=str, ensure_ascii=False))
        lines.append(json.dumps(center, ensure_ascii=False))
    target = tmp_path / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_json_lines_input_gives_the_verdicts_of_the_yaml_input(tmp_path: Path) -> None:
    source = jsonl_copy(tmp_path)
    from_jsonl = json.loads(streamed([str(source)], tmp_path, jobs=2))
    from_yaml = json.loads(in_memory([str(EXAMPLES)]))
    verdicts = [
        [(r["clause"], r["status"], r["expected"], r["actual"]) for r in c["results"]] for c in from_jsonl["centers"]
    ]
    assert verdicts == [
        [(r["clause"], r["status"], r["expected"], r["actual"]) for r in c["results"]] for c in from_yaml["centers"]
    ]
    # every place is a line of the JSON Lines file, the center's own
    for c in from_jsonl["centers"]:
        assert {r["location"]["file"] for r in c["results"]} == {str(source)}
    assert streamed([str(source)], tmp_path, jobs=2) == in_memory([str(source)])


def test_a_bad_record_of_a_json_lines_file_is_reported_at_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    source = jsonl_copy(tmp_path)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace('"tier": "', '"tier": "x', 1)
    lines[9] = lines[9][:-1]  # JSON syntax
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.json"
    with pytest.raises(InputError) as caught:
        check_to([str(source)], "json", str(target), options=options(0))
    got = {(p.code, p.location.line) for p in caught.value.problems}
    assert ("bad_value", 5) in got
    assert ("json_syntax", 10) in got
    assert not target.exists()
    with pytest.raises(InputError) as again:
        check([str(source)], options=options(0))
    assert again.value.problems == caught.value.problems


def test_problems_are_those_of_check_and_duplicates_across_files_are_found(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "village", tmp_path / "a")
    shutil.copytree(EXAMPLES / "village", tmp_path / "b")
    bad = ROOT / "tests" / "data" / "bad"
    paths = [str(tmp_path / "a"), str(tmp_path / "b"), *sorted(str(p) for p in bad.glob("*.yaml"))[:5]]
    with pytest.raises(InputError) as expected:
        check(paths, options=options(0))
    for jobs in (0, 2):
        target = tmp_path / "out.jsonl"
        with pytest.raises(InputError) as caught:
            check_to(paths, "jsonl", str(target), options=options(jobs))
        assert caught.value.problems == expected.value.problems
        assert not target.exists()
    assert any(p.code == "duplicate_center_id" for p in expected.value.problems)
