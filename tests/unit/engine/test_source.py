"""engine.source: the strict reader keeps every value's place and refuses what YAML lets slip."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InputError, Location
from engine.source import load_document, read_document

BAD = Path(__file__).resolve().parents[2] / "data" / "bad"


def problems_of(raw: bytes | str, file: str = "in.yaml") -> list[tuple[str, int, int]]:
    with pytest.raises(InputError) as info:
        load_document(raw, file)
    return [(p.code, p.location.line, p.location.column) for p in info.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate-key.yaml", [("duplicate_key", 6, 3)]),  # the second `tier:`, not the first
        ("alias.yaml", [("yaml_syntax", 4, 9)]),
        ("yaml-syntax.yaml", [("yaml_syntax", 4, 7)]),
        ("empty.yaml", [("empty_document", 1, 1)]),
        ("comment-only.yaml", [("empty_document", 1, 1)]),
        ("not-utf8.yaml", [("bad_encoding", 2, 9)]),
        ("json-syntax.json", [("json_syntax", 5, 3)]),
        ("infinite-area.yaml", [("wrong_type", 7, 14)]),
    ],
)
def test_bad_file_is_one_input_error_with_its_place(name: str, expected: list[tuple[str, int, int]]) -> None:
    with pytest.raises(InputError) as info:
        read_document(str(BAD / name), display=f"bad/{name}")
    got = [(p.code, p.location.line, p.location.column) for p in info.value.problems]
    assert got == expected
    assert all(p.location.file == f"bad/{name}" for p in info.value.problems)


def test_duplicate_key_names_the_first_line() -> None:
    with pytest.raises(InputError) as info:
        read_document(str(BAD / "duplicate-key.yaml"))
    (problem,) = info.value.problems
    assert problem.path == ("center", "tier")
    assert "first at line 4" in problem.message.en


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("empty_document", 1, 1)]),
        ("  \n\n", [("empty_document", 1, 1)]),
        ("---\n", [("empty_document", 1, 1)]),
        ("a: 1\nb: 2\na: 3\n", [("duplicate_key", 3, 1)]),
        ("a:\n  b: 1\n  c: {d: 1, d: 2}\n", [("duplicate_key", 3, 13)]),
        ("a: &x 1\nb: *x\n", [("yaml_syntax", 2, 4)]),
        ("a: [1, 2\nb: 3\n", [("yaml_syntax", 2, 2)]),
        ("a: 1\n---\nb: 2\n", [("yaml_syntax", 2, 1)]),
        ("a: .nan\n", [("wrong_type", 1, 4)]),
        ("a: -.inf\n", [("wrong_type", 1, 4)]),
        ("a: !!int abc\n", [("bad_value", 1, 4)]),
        ("a: !!python/object:os.system x\n", [("bad_value", 1, 4)]),
        ("a: !local x\n", [("bad_value", 1, 4)]),
        ("a:\n  b: x\u0007\n", [("yaml_syntax", 2, 7)]),
        ("? [a]\n: 1\n", [("bad_key", 1, 3)]),
        ("[" * 2000 + "]" * 2000, [("too_deep", 1, 1)]),
        ("a: " + "[" * 70 + "]" * 70, [("too_deep", 1, 68)]),
    ],
)
def test_yaml_problems_and_their_places(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert problems_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,}', [("json_syntax", 1, 9)]),
        ('{\n  "a": 1\n  "b": 2\n}', [("json_syntax", 3, 3)]),
        ("[" * 5000 + "]" * 5000, [("too_deep", 1, 1)]),
        ('{"a": 1, "a": 2}', [("duplicate_key", 1, 10)]),
    ],
)
def test_json_problems_and_their_places(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert problems_of(text, "in.json") == expected


def test_non_utf8_bytes_are_an_input_error_at_their_place() -> None:
    assert problems_of("a: 1\nb: café\n".encode("latin-1")) == [("bad_encoding", 2, 7)]
    assert problems_of("a: 石\nb: 家\n".encode() + b"\xff") == [("bad_encoding", 3, 1)]


def test_utf8_bom_is_accepted_and_sha256_is_of_the_raw_bytes() -> None:
    raw = "\ufeffa: 石家庄\n".encode()
    doc = load_document(raw, "in.yaml")
    assert doc.data == {"a": "石家庄"}
    assert len(doc.sha256) == 64
    assert doc.sha256 == load_document(raw, "other.yaml").sha256


def test_dates_become_iso_strings() -> None:
    doc = load_document("d: 2016-06-30\nt: 2016-06-30 08:30:00\nq: '2016-06-30'\nbad: 2016-02-30\n", "in.yaml")
    assert doc.data == {"d": "2016-06-30", "t": "2016-06-30T08:30:00", "q": "2016-06-30", "bad": "2016-02-30"}


def test_json_numbers_with_exponents_are_numbers() -> None:
    doc = load_document('{"a": 1e5, "b": 2.5E-1, "c": -3e+2, "d": "1e5"}', "in.json")
    assert doc.data == {"a": 100000.0, "b": 0.25, "c": -300.0, "d": "1e5"}


def test_bool_words_recorded_only_for_unquoted_words() -> None:
    text = "a: yes\nb: 'yes'\nc: \"no\"\nd: true\ne: On\nf: [off, 'off']\ng: OFF\nh: No\n"
    doc = load_document(text, "in.yaml")
    assert doc.data == {
        "a": True,
        "b": "yes",
        "c": "no",
        "d": True,
        "e": True,
        "f": [False, "off"],
        "g": False,
        "h": False,
    }
    assert doc.bool_words == {("a",), ("e",), ("f", 0), ("g",), ("h",)}


def test_json_true_is_not_a_bool_word() -> None:
    assert load_document('{"a": true, "b": false}', "in.json").bool_words == set()


def test_spans_are_one_based_and_point_at_values() -> None:
    text = "center:\n  id: x\n  hall:\n    area_m2: 3000\n  list:\n    - a\n    - {k: v}\n"
    doc = load_document(text, "c.yaml")
    assert doc.spans[()] == Location("c.yaml", 1, 1)
    assert doc.spans[("center",)] == Location("c.yaml", 2, 3)
    assert doc.spans[("center", "id")] == Location("c.yaml", 2, 7)
    assert doc.spans[("center", "hall", "area_m2")] == Location("c.yaml", 4, 14)
    assert doc.spans[("center", "list", 0)] == Location("c.yaml", 6, 7)
    assert doc.spans[("center", "list", 1, "k")] == Location("c.yaml", 7, 11)
    assert doc.key_spans[("center", "hall")] == Location("c.yaml", 3, 3)
    assert doc.key_location(("center", "hall", "area_m2")) == Location("c.yaml", 4, 5)


def test_location_falls_back_to_the_nearest_parent() -> None:
    doc = load_document("center:\n  hall:\n    windows: 3\n", "c.yaml")
    assert doc.location(("center", "hall", "area_m2")) == Location("c.yaml", 3, 5)
    assert doc.location(("nowhere", "at", "all")) == Location("c.yaml", 1, 1)
    assert doc.key_location(("center", "hall", "area_m2")) == Location("c.yaml", 3, 5)


def test_json_columns_match_the_file_even_with_tabs() -> None:
    doc = load_document('{\n\t"a": 1\n}', "in.json")
    assert doc.spans[("a",)] == Location("in.json", 2, 7)


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_document(str(tmp_path / "absent.yaml"), display="absent.yaml")
    assert [(p.code, str(p.location)) for p in info.value.problems] == [("unreadable_file", "absent.yaml")]


def test_json_surrogate_pairs_become_one_character() -> None:
    doc = load_document(b'{"name": "\\ud845\\udc13\\u4e2d"}', "pair.json")
    assert doc.data == {"name": "\U00021413中"}


def test_a_lone_surrogate_is_an_input_error_with_its_place() -> None:
    with pytest.raises(InputError) as caught:
        load_document(b'{\n  "name": "\\udc13"\n}', "lone.json")
    (problem,) = caught.value.problems
    assert (problem.code, problem.location.line, problem.location.column) == ("invalid_unicode", 2, 11)
