"""engine.fastload: where the fast path reads a file, it reads exactly what the strict loader reads
(data and every value's place); where it cannot, it says so and the strict loader is used.
Checked on every YAML file of tests/data, examples, standards and rules, and on JSON Lines."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import pytest

from engine import fastload, source
from engine.center import load_centers
from engine.errors import InputError
from engine.pipeline import Unit, load_unit, strict_jsonl_line
from engine.validate import schema_validator

ROOT = Path(__file__).resolve().parents[3]
CORPUS = sorted(
    p
    for folder in ("tests/data", "examples", "standards", "rules")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml")
)


def strict(raw: bytes, name: str) -> source.Document | None:
    try:
        return source.load_document(raw, name)
    except InputError:
        return None


READERS = {"both tiers": fastload.scan_yaml, "yaml-rs": fastload.scan_yaml_rs, "lines": fastload.scan_yaml_lines}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_yaml_reads_what_the_strict_loader_reads_or_declines(path: Path, reader: str) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    fast = READERS[reader](text, str(path), source.sha256_of(raw))
    if fast is None:
        return
    want = strict(raw, str(path))
    assert want is not None, "the fast path read a file the strict loader refuses"
    assert fast.data == want.data
    assert repr(fast.data) == repr(want.data)  # 1 and 1.0, True and 1 are equal, not the same
    assert fast.places() == want.spans
    assert fast.sha256 == want.sha256
    if isinstance(fast, fastload.YamlDocument):
        assert fast.key_spans == want.key_spans
        lazy = READERS[reader](text, str(path), "")  # places found one by one, as reports ask them
        assert isinstance(lazy, fastload.YamlDocument)
        for p in want.spans:
            for q in (p, (*p, "nope"), (*p, 0), (*p, 10**6)):
                assert lazy.location(q) == want.location(q), q
                assert lazy.key_location(q) == want.key_location(q), q


def test_the_fast_path_reads_every_bundled_example_and_the_good_test_data() -> None:
    good = [p for p in CORPUS if "examples" in p.parts or "good" in p.parts]
    declined = [p for p in good if fastload.scan_yaml(p.read_text(encoding="utf-8"), str(p), "") is None]
    assert len(declined) <= len(good) // 10, declined
    # and the yaml-rs tier reads each of them that the line scanner reads
    for p in good:
        text = p.read_text(encoding="utf-8")
        if fastload.scan_yaml_lines(text, str(p), "") is not None:
            assert isinstance(fastload.scan_yaml_rs(text, str(p), ""), fastload.YamlDocument), p


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",  # YAML 1.1 boolean words: the strict loader names them
        "a: 010\n",  # octal in YAML 1.1
        "a: 1_000\n",
        "a: 1e5\n",
        "a: .inf\n",
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a:\n\tb: 1\n",  # tabs
        "a: 1\na: 2\n",  # duplicate keys
        "a:\n",  # an empty value
        "a: |\n  text\n",  # block scalars
        "a: {b: 1}\n",  # flow mappings
        "a: b: c\n",
        "a:\n- 1\n",  # indentless sequence
        "a: 'open\n",
        "a: 2016-06-30 10:00:00\n",
        'a: "\\u00e9"\n',
        "a:\n  b: 1\n c: 2\n",  # bad indentation
        "a:\n  b:\n c: 1\n",  # a block less indented than its key
        "---\na: 1\n",
        "a: 1" + "0" * 400 + ".5\n",  # no finite number
        "a: [?b]\n",  # a key in a flow sequence
        "a: [b?]\n",
        "a: [b}]\n",
        "a: [- ]\n",
    ],
)
def test_the_fast_path_declines_what_it_does_not_read_exactly(text: str) -> None:
    assert fastload.scan_yaml(text, "x.yaml", "") is None


def test_fast_centers_equal_strict_centers_on_the_examples() -> None:
    """load_centers (the fast path where it can) gives each center the places the strict loader gives."""
    examples = ROOT / "examples" / "shijiazhuang"
    for center in load_centers([str(examples)]):
        want = source.read_document(center.file)
        assert center.data == source.Document(want.data, center.file).data["center"] or center.base != ("center",)
        for path in [(), ("id",), ("hall", "area_m2"), ("matters", 0), ("departments", 1, "id"), ("nope",)]:
            assert center.location(path) == want.location(center.base + path)


def jsonl_lines() -> list[bytes]:
    import yaml

    out = []
    for path in sorted((ROOT / "examples" / "shijiazhuang").glob("*/*.yaml")):
        center = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))["center"], default=str))
        out.append(json.dumps(center, ensure_ascii=False).encode())
        out.append(json.dumps(center, ensure_ascii=True, indent=None, separators=(", ", " : ")).encode())
    return out


def test_fast_json_lines_read_what_the_strict_loader_reads() -> None:
    for n, line in enumerate(jsonl_lines(), start=3):
        want = strict_jsonl_line(line, "c.jsonl", n).document
        fast = fastload.scan_json_line(line.decode(), "c.jsonl", n, source.sha256_of(line))
        if fast is None:
            continue
        assert fast.data == want.data
        assert fast.places() == want.spans
        assert fast.sha256 == want.sha256


@pytest.mark.parametrize(
    "line",
    [
        '{"a": 1, "a": 2}',
        '{"a": "\\ud840"}',
        '{"a": 1e5}',
        '{"a": 123456789012345678901234}',
        '{"a": {"b": 1, "b" : 2}}',
        '{"a": [{"c": 1}, {"c": 2, "c": 3}]}',
        '{"a": -123456789012345678}',
        '{"a": 2E-5}',
        '{"a": ' + "[" * 70 + "]" * 70 + "}",
        "[1, 2]",
        '{"a": 1',
    ],
)
def test_fast_json_lines_decline_what_they_do_not_read_exactly(line: str) -> None:
    assert fastload.scan_json_line(line, "c.jsonl", 1, "") is None


def test_a_json_lines_unit_gives_the_centers_of_its_lines_with_their_line_numbers(tmp_path: Path) -> None:
    lines = jsonl_lines()[::2]
    target = tmp_path / "c.jsonl"
    target.write_bytes(b"\n".join(lines) + b"\n")
    centers = load_unit(Unit(str(target)))
    assert len(centers) == len(lines)
    assert [c.location(("id",)).line for c in centers] == list(range(1, len(lines) + 1))


def every_center() -> list[object]:
    """Every center-like mapping of tests/data, valid or not."""
    out: list[object] = []
    for path in CORPUS:
        if "data" not in path.parts:
            continue
        doc = strict(path.read_bytes(), str(path))
        data = getattr(doc, "data", None)
        if isinstance(data, dict):
            if isinstance(data.get("center"), dict):
                out.append(data["center"])
            if isinstance(data.get("centers"), list):
                out.extend(data["centers"])
    return out


def test_the_fast_validity_check_never_accepts_what_the_python_validator_refuses() -> None:
    python = schema_validator("center.schema.json")
    centers = every_center()
    tricky = [
        {"id": "a", "name": "\x1c", "tier": "city", "region_code": "110100"},  # Python's \s, not Rust's
        {"id": "a", "name": "x", "tier": "city", "region_code": "110100", "declared_on": "2016-02-30"},
        {"id": "a", "name": "x", "tier": "city", "region_code": "110100", "population": 2**70},
        {"id": "a", "name": "x", "tier": "city", "region_code": "110100", "population": True},
        {"id": "a\n", "name": "x", "tier": "city", "region_code": "110100"},  # ECMA $: not before a newline
        {"id": "a", "name": "x", "tier": "city", "region_code": "110100\n"},
        {"id": "a", "name": "x", "tier": "city", "region_code": "110100", "declared_on": "2016-01-01\n"},
        {"id": "a", "name": " ", "tier": "city", "region_code": "110100"},
    ]
    assert len(centers) > 20
    for center in [*centers, *tricky]:
        if fastload.fast_valid(center):
            assert python.is_valid(center), center
    for center in tricky[1:]:
        assert not fastload.fast_valid(center), center
    # and it vouches for what is valid: the fast path is not a slow path in disguise
    assert [fastload.fast_valid(c) for c in centers] == [python.is_valid(c) for c in centers]


def test_json_lines_places_found_on_demand_are_the_tokenizers() -> None:
    for n, line in enumerate(jsonl_lines(), start=3):
        text = line.decode()
        every = fastload.scan_json_line(text, "c.jsonl", n, "")
        if every is None:
            continue
        places = every.places()  # the whole tokenizer's
        paths = [*places, *((*p, "nope") for p in places), *((*p, 99) for p in places)]
        lazy = fastload.scan_json_line(text, "c.jsonl", n, "")
        assert lazy is not None
        for path in paths:
            want = places.get(tuple(path))
            p = tuple(path)
            while want is None:
                p = p[:-1]
                want = places.get(p)
            assert lazy.location(path) == want, path
        assert lazy._spans is None  # nothing was tokenized to answer


def test_a_printable_line_holds_no_character_the_fast_path_refuses() -> None:
    """scan_json_line skips the _NON_PRINTABLE search on a line Python calls printable: sound only if
    no code point is both printable and refused (checked for every code point)."""
    refused = fastload._NON_PRINTABLE
    assert not [hex(cp) for cp in range(sys.maxunicode + 1) if chr(cp).isprintable() and refused.search(chr(cp))]
    assert fastload.scan_json_line('{"id":"a\u2028"}', "f.jsonl", 1, "") is None
    assert fastload.scan_json_line('{"id":"a\\ud800"}', "f.jsonl", 1, "") is None


def test_the_bad_number_search_finds_what_its_plain_spelling_finds() -> None:
    plain = re.compile(r"[0-9][eE]|-[0-9][0-9.]{17,}|[0-9][0-9.]{18,}")
    rng = random.Random(8)
    texts = ["1e5", "-1234567890123456789", "1234567890123456789", "12345678901234567.8", "x-1.5e-3", ""]
    texts += ["".join(rng.choice('0123456789eE.-x"') for _ in range(rng.randint(0, 40))) for _ in range(50_000)]
    for text in texts:
        assert bool(fastload._JSON_BAD_NUMBER.search(text)) == bool(plain.search(text)), text


def test_a_string_that_looks_like_a_key_or_an_exponent_does_not_fool_the_json_lines_checks() -> None:
    assert fastload.scan_json_line('{"id":"a\\":1","n":"1e5"}', "f.jsonl", 1, "") is not None
    assert fastload.scan_json_line('{"id":"a\\":1","id":"b"}', "f.jsonl", 1, "") is None  # a duplicate key
    assert fastload.scan_json_line('{"id":"a","n":1e5}', "f.jsonl", 1, "") is None  # an exponent
