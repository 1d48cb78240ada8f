"""engine.fastload's YAML tiers against the strict loader on generated YAML: where a tier answers, it
answers the strict loader's data and the strict loader's place for every path (each value's, each
key's, and the nearest one for a path that is not there); elsewhere it declines.

The yaml-rs tier (``scan_yaml_rs``) reads YAML 1.2 and the strict loader YAML 1.1, so the documents
are made of what the two read differently (``yes``, ``010``, ``0x1f``, ``_1``, ``1e5``, dates, keys
such as ``1`` or ``true``…) as well as what they read alike, laid out in the ways people write YAML
(and a few they get wrong: a line indented one space too far, a duplicated line, a stray ``---``)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import fastload, source
from engine.errors import InputError, Location
from engine.fastload import Unit, load_unit

READERS = {"yaml-rs": fastload.scan_yaml_rs, "lines": fastload.scan_yaml_lines}

# plain scalars: read alike by YAML 1.1 and 1.2, or not
TOKENS = [
    *("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n", "Y", "N"),
    *("true", "True", "TRUE", "false", "False", "FALSE", "tRUE", "null", "Null", "NULL", "~", "nULL"),
    *("0", "-0", "00", "010", "007", "08", "0x1f", "0o17", "0b1", "1_000", "_1", "_1.5", "1e5", "1E5", "1.5e3"),
    *("+1", "-1", "+1.5", "1.5", "-1.5", "1.", "0.", "-0.0", "00.5", ".5", "-.5", "+.5", ".inf", "-.inf", ".nan"),
    *("inf", "nan", "12", "123456789012345678", "1234567890123456789", "99999999999999999999999", "1.0.0"),
    *("1:30", "12:30:00", "2020-01-01", "2016-02-30", "0000-01-01", "2020-1-1", "2020-01-01 10:00:00"),
    *("2020-01-01T10:00:00Z", "1" + "0" * 400 + ".5", "<<", "=", "-", "--", "-a", "?a", ":a", "a:b", "a: b"),
    *("http://x.y/z", "a, b", "x[1]", "a]", "a#b", "a b", "a  b", "a :b", "a:", "x?", "中文", "\u3000x", "x\u3000"),
    *("\xa0x", "x\xa0", "·", "a'b", 'a"b', "|", ">", "%a", "@a", "`a", "&a", "*a", "!a", "{a", "a}", "$x", "(x)"),
    *("none", "new", "one", "o", "ye", "Infinity", "NaN", "石家庄市新华区政务服务中心", "130105-county"),
]
SAFE_TOKENS = ["a", "b c", "中文", "true", "false", "null", "~", "0", "12", "-3", "1.5", "2020-01-01", "x_y", "none"]
SAFE_TOKENS += ["a:b", "a#b", "a, b", "x[1]", "http://x.y/z", "Y", "n", "·", "石家庄市新华区政务服务中心"]
KEYS = ["a", "b", "id", "name", "x y", "yes", "no", "true", "True", "null", "~", "1", "1.5", "-a", "a-b", "a[0]"]
KEYS += ["a,b", "a]", "a#b", "中心", "k" * 210, "on", "Null", "a\u3000", "a\xa0b", "<<", "=", "?x", "_x", "_1"]
SAFE_KEYS = ["a", "b", "c", "id", "name", "hall", "area_m2", "x y", "departments", "中心", "yes", "no", "on", "k_1"]

TEXT = st.text(alphabet=st.sampled_from(list("abyYnNoOtT019 .:-#,[]'\"_中\u3000\xa0~+?")), min_size=1, max_size=8)
PLAIN = st.one_of(st.sampled_from(TOKENS), TEXT, st.sampled_from(SAFE_TOKENS))
KEY = st.one_of(
    st.sampled_from(KEYS), st.text(alphabet=st.sampled_from(list("abtnfy019_ -中")), min_size=1, max_size=6)
)


def scalars(plain: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.tuples(st.just("scalar"), st.sampled_from(["plain", "plain", "single", "double"]), plain)


def trees(keys: st.SearchStrategy[str], plain: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[Any, ...]]:
    """("map", [(key, tree)]) | ("seq", [tree]) | ("flow", [scalar]) | ("scalar", style, text)."""
    leaf = scalars(plain)

    def extend(children: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[tuple[Any, ...]]:
        return st.one_of(
            st.tuples(st.just("map"), st.lists(st.tuples(keys, children), min_size=1, max_size=4)),
            st.tuples(st.just("seq"), st.lists(children, min_size=1, max_size=3)),
            st.tuples(st.just("flow"), st.lists(leaf, max_size=3)),
        )

    return st.tuples(st.just("map"), st.lists(st.tuples(keys, st.recursive(leaf, extend, max_leaves=14)), min_size=1))


ANY_TREE = trees(KEY, PLAIN)
CLEAN_TREE = trees(st.sampled_from(SAFE_KEYS), st.sampled_from(SAFE_TOKENS))
COMMENTS = ["", "", "", " # c", "  #: x", " #"]
JUNK = ["- x", "  - - a", "? a", "a: |", "a: &x 1", "b: *x", "a: {b: 1}", "---", "...", "%YAML 1.1", "a: !!str 1"]
JUNK += ["\ta: 1", "a: 1\r", "  continued", "a: 'open", "a: [1,", "  x: y: z", "\ufeffa: 1"]


def quoted(style: str, text: str) -> str:
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace('"', "'") + '"'
    return text


@st.composite
def documents(draw: st.DrawFn, tree: st.SearchStrategy[tuple[Any, ...]], mutate: bool) -> str:
    """A tree written as block YAML, with random indents, gaps, comments, blank lines and flow sequences."""
    lines: list[str] = draw(st.lists(st.sampled_from(["", "#", "# comment", "   ", "  # x"]), max_size=2))

    def interlude(column: int) -> None:
        if draw(st.integers(0, 9)) == 0:
            lines.append(" " * draw(st.integers(0, column + 3)) + draw(st.sampled_from(["# c", "", "#", "  "])))

    def inline(node: tuple[Any, ...]) -> str | None:
        if node[0] == "scalar":
            return quoted(node[1], node[2])
        if node[0] == "flow":
            items = [quoted(s[1], s[2]) for s in node[1]]
            pad = draw(st.sampled_from(["", " "]))
            trail = draw(st.sampled_from(["", "", ","])) if items else ""
            return "[" + pad + draw(st.sampled_from([", ", ",", " , "])).join(items) + trail + pad + "]"
        return None

    def block(node: tuple[Any, ...], column: int) -> None:
        if node[0] == "map":
            for key, value in node[1]:
                entry(" " * column, key, value, column)
        else:
            for value in node[1]:
                item(column, value)

    def entry(prefix: str, key: str, value: tuple[Any, ...], column: int) -> None:
        interlude(column)
        text = inline(value)
        comment = draw(st.sampled_from(COMMENTS))
        if text is not None:
            lines.append(f"{prefix}{key}:{draw(st.sampled_from([' ', ' ', '  ']))}{text}{comment}")
        else:
            lines.append(f"{prefix}{key}:{comment}")
            block(value, column + draw(st.sampled_from([1, 2, 2, 2, 3, 4] + [0] * (value[0] == "seq"))))

    def item(column: int, value: tuple[Any, ...]) -> None:
        interlude(column)
        prefix = " " * column + "-" + draw(st.sampled_from([" ", " ", " ", "  "]))
        if value[0] == "map":
            (key, first), *rest = value[1]
            entry(prefix, key, first, len(prefix))
            for key, other in rest:
                entry(" " * len(prefix), key, other, len(prefix))
        elif value[0] == "seq":
            lines.append(prefix.rstrip() + draw(st.sampled_from(["", " # c"])))
            block(value, column + draw(st.sampled_from([1, 2, 3])))
        else:
            lines.append(f"{prefix}{inline(value)}{draw(st.sampled_from(COMMENTS))}")

    block(draw(tree), 0)
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
    for _ in range(draw(st.integers(0, 2)) if mutate else 0):  # what a person might get wrong
        rows = text.split("\n")
        i = draw(st.integers(0, len(rows) - 1))
        change = draw(st.sampled_from(["indent", "dedent", "repeat", "drop", "junk"]))
        if change == "indent":
            rows[i] = " " * draw(st.integers(1, 3)) + rows[i]
        elif change == "dedent":
            rows[i] = rows[i][draw(st.integers(1, 3)) :] if rows[i].startswith(" ") else rows[i]
        elif change == "repeat":
            rows.insert(i, rows[i])
        elif change == "drop" and len(rows) > 1:
            del rows[i]
        else:
            rows.insert(i, draw(st.sampled_from(JUNK)))
        text = "\n".join(rows)
    return text


def strict(text: str) -> source.Document | None:
    try:
        return source.load_document(text, "x.yaml")
    except InputError:
        return None


def assert_reads_as_strict(reader: str, text: str) -> bool:
    """The tier declines ``text``, or reads what the strict loader reads, places included; True if it read it."""
    fast = READERS[reader](text, "x.yaml", "")
    if fast is None:
        return False
    want = strict(text)
    assert want is not None, f"{reader} read a text the strict loader refuses: {text!r}"
    assert repr(fast.data) == repr(want.data), text
    assert fast.places() == want.spans, text
    if isinstance(fast, fastload.YamlDocument):
        assert fast.key_spans == want.key_spans, text
        lazy = READERS[reader](text, "x.yaml", "")
        assert lazy is not None
        for path in want.spans:
            for q in (path, (*path, "nope"), (*path, 0), (*path, 1), (*path, 99), [*path]):
                assert lazy.location(q) == want.location(tuple(q)), (text, q)
                assert lazy.key_location(q) == want.key_location(tuple(q)), (text, q)
    return True


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=documents(ANY_TREE, mutate=True))
def test_generated_yaml_is_read_as_the_strict_loader_reads_it_or_declined(reader: str, text: str) -> None:
    assert_reads_as_strict(reader, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=documents(CLEAN_TREE, mutate=False))
def test_the_yaml_rs_tier_reads_what_the_line_scanner_reads_as_the_strict_loader_does(text: str) -> None:
    """Plain block YAML in any layout the line scanner reads (indents, gaps after the dash, comments,
    flow sequences): the yaml-rs tier reads it too, and gives every place the strict loader gives."""
    lines = assert_reads_as_strict("lines", text)
    assert assert_reads_as_strict("yaml-rs", text) or not lines, text


ALPHABET = [*"aenfyYoO_.+-019:#,~ [?]|&'\"", "中"]


@pytest.mark.parametrize("reader", READERS)
def test_every_short_scalar_in_every_place_is_read_as_the_strict_loader_reads_it_or_declined(reader: str) -> None:
    read = 0
    for size in (1, 2):
        for chars in itertools.product(ALPHABET, repeat=size):
            s = "".join(chars)
            for text in (f"a: {s}\n", f"a: [{s}]\n", f"a:\n  - {s}\n", f"{s}: 1\n", f"a: [x, {s} ]\n", f"- {s}: 1\n"):
                read += assert_reads_as_strict(reader, text)
    assert read > 1000


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: No\n",
        "a: [on, b]\n",
        "a:\n  - OFF\n",
        "a: 010\n",
        "a: 0x1f\n",
        "a: 0o17\n",
        "a: 1_000\n",
        "a: _1\n",  # yaml-rs: 1
        "a: [_1]\n",
        "a: 1e5\n",
        "a: .inf\n",
        "a: -.5\n",
        "a: +1\n",
        "a: 12:30\n",
        "a: 2020-01-01 10:00:00\n",
        "a: 2020-01-01T10:00:00\n",
        "a: 1234567890123456789\n",
        "a: 1" + "0" * 400 + ".5\n",
        "a: 1\na: 2\n",  # duplicate keys
        "a:\n  b: 1\n  b: 2\n",
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: |\n  text\n",  # block scalars
        "a: >\n  text\n",
        "a: {b: 1}\n",  # flow mappings
        "a: [[1]]\n",
        "a:\n- 1\n",  # an indentless sequence
        "a:\nb: 1\n",  # empty values
        "a:\n",
        "a:\n  - b:\n    c: 1\n",
        "a: x\n  - y\n",  # multi-line scalars
        "- x\n  - y\n",
        "a: 'x\n  y'\n",
        "a: [x,\n  y]\n",
        "a: b: c\n",
        "- true: 1\n",
        "a:\n  - true: yes\n",  # a key yaml-rs reads as a boolean, and a boolean word
        "true: 1\n",
        "null: 1\n",
        "~: 1\n",
        "1: 1\n",
        "1.5: 1\n",
        "_1: 1\n",
        "k" * 201 + ": 1\n",
        "a:\n\tb: 1\n",  # tabs, CR, a BOM, a NEL
        "a: 1\r\n",
        "\ufeffa: 1\n",
        "a: x\x85y\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 'x' y\n",
        "a: [x]#c\n",
        "a: [?b]\n",
        "a: [b?]\n",
        "a: [- ]\n",
        "a: x\\y\n",
        'a: "\\u00e9"\n',
        "a:\n  b: 1\n c: 2\n",  # bad indentation
        "a:\n  b:\n c: 1\n",
        "- a\n",  # not a mapping
        "# only a comment\n",
        "a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1, 26)) + " " * 52 + "z: 1\n",  # deep
    ],
)
def test_the_yaml_rs_tier_declines_what_it_does_not_read_as_the_strict_loader_does(text: str) -> None:
    assert fastload.scan_yaml_rs(text, "x.yaml", "") is None
    assert_reads_as_strict("lines", text)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: 2020-01-01\n", {"a": "2020-01-01"}),  # dates stay text
        ("a: 2016-02-30\n", {"a": "2016-02-30"}),
        ("a: [2020-01-01, x]\n", {"a": ["2020-01-01", "x"]}),
        ("a: True\nb: NULL\nc: ~\nd: false\n", {"a": True, "b": None, "c": None, "d": False}),
        ("a: -0\nb: 1.\nc: 00.5\nd: -1.5\ne: 123456789012345678\n", {"a": 0, "b": 1.0, "c": 0.5, "d": -1.5}),
        ("a: y\nb: n\nc: none\nd: nan\n", {"a": "y", "b": "n", "c": "none", "d": "nan"}),
        ("yes: 1\nno: 2\n", {"yes": 1, "no": 2}),
        ("a:\n  -   b: 1\n      c: 2\n  -  x\n", {"a": [{"b": 1, "c": 2}, "x"]}),
        ("a: 'it''s' # c\nb: \"x: y\"\n", {"a": "it's", "b": "x: y"}),
        ("a: x #: y\nb: a:b\nc: a, b\nd: x[1]\n", {"a": "x", "b": "a:b", "c": "a, b", "d": "x[1]"}),
        ("a: [ 'a, b' , \"c]\", d e, ]\n", {"a": ["a, b", "c]", "d e"]}),
        ("# c\n\na:\n  # c\n    b: 1\n  # c\n    c: [] # c\n", {"a": {"b": 1, "c": []}}),
        ("a: 1", {"a": 1}),  # no newline at the end
    ],
)
def test_the_yaml_rs_tier_reads_these_as_the_strict_loader_does(text: str, data: dict[str, Any]) -> None:
    fast = fastload.scan_yaml_rs(text, "x.yaml", "")
    assert isinstance(fast, fastload.YamlDocument)
    for key, value in data.items():
        assert repr(fast.data[key]) == repr(value)
    assert assert_reads_as_strict("yaml-rs", text)


def test_without_yaml_rs_the_line_scanner_reads_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a:\n  b: [1, x]\n  c:\n    - d: 2020-01-01\n"
    monkeypatch.setattr(fastload, "yaml_rs", None)
    assert fastload.scan_yaml_rs(text, "x.yaml", "") is None
    fast = fastload.scan_yaml(text, "x.yaml", "")
    assert fast is not None and not isinstance(fast, fastload.YamlDocument)
    want = strict(text)
    assert want is not None
    assert fast.data == want.data
    assert fast.places() == want.spans


def test_both_tiers_answer_in_turn() -> None:
    assert isinstance(fastload.scan_yaml("a: 1\n", "x.yaml", ""), fastload.YamlDocument)
    lines = fastload.scan_yaml("1: x\n", "x.yaml", "")  # a key yaml-rs reads as a number
    assert lines is not None and not isinstance(lines, fastload.YamlDocument)
    assert lines.data == {"1": "x"}
    assert fastload.scan_yaml("a: yes\n", "x.yaml", "") is None


def test_places_are_found_only_when_asked_and_kept() -> None:
    text = "centers:\n  - id: a\n    hall:\n      area_m2: 1\n  - id: b\n    n: [x, y]\n"
    doc = fastload.scan_yaml_rs(text, "x.yaml", "")
    assert doc is not None
    assert doc._spans is None and doc._key_spans is None
    assert doc.location(("centers", 0, "hall", "area_m2")) == Location("x.yaml", 4, 16)
    assert doc.location(["centers", 1, "n", 1]) == Location("x.yaml", 6, 12)
    assert doc.location(("centers", True, "n")) == Location("x.yaml", 6, 8)  # as the strict loader: True == 1
    assert doc.location(("centers", -1)) == Location("x.yaml", 2, 3)
    assert doc.location(("centers", "0")) == Location("x.yaml", 2, 3)
    assert doc.location(("centers", 0, "id", "x")) == Location("x.yaml", 2, 9)
    assert doc.key_location(("centers", 0, "hall")) == Location("x.yaml", 3, 5)
    assert doc.key_location(("centers", 0)) == Location("x.yaml", 2, 5)
    assert doc._spans is None and doc._key_spans is None  # nothing else was worked out
    assert doc.location(("centers", 0, "hall", "area_m2")) is doc.location(("centers", 0, "hall", "area_m2"))
    want = strict(text)
    assert want is not None
    assert doc.places() == want.spans and doc.key_spans == want.key_spans
    assert doc.spans[("centers", 1, "n")] == Location("x.yaml", 6, 8)


def test_a_text_not_shaped_as_its_data_gets_its_places_from_the_strict_loader() -> None:
    """Never seen (the grammar rules it out), but should it happen the places stay right."""
    text = "a:\n  b: 1\n  c: [x]\n"
    doc = fastload.YamlDocument({"a": {"b": 1, "d": 2, "c": ["x", "y"]}}, "x.yaml", text, "")
    want = strict(text)
    assert want is not None
    assert doc.location(("a", "d")) == want.location(("a", "d"))
    assert doc.location(("a", "b")) == want.location(("a", "b"))
    doc = fastload.YamlDocument({"a": {"b": 1, "c": ["x", "y"]}}, "x.yaml", text, "")
    assert doc.key_location(("a", "c", 1)) == want.key_location(("a", "c", 1))
    doc = fastload.YamlDocument({"a": {"b": 1, "c": ["x", "y"]}}, "x.yaml", text, "")
    assert doc.places() == want.spans
    doc = fastload.YamlDocument({"a": {"b": 1, "c": ["x", "y"]}}, "x.yaml", text, "")
    assert doc.key_spans == want.key_spans


def test_a_yaml_unit_gives_each_center_the_strict_loaders_places(tmp_path: Path) -> None:
    text = "# two centers\ncenters:\n" + "".join(
        f'  - id: "c{i}"\n    name: 中心{i}\n    tier: county\n    region_code: "13010{i}"\n'
        f"    hall:\n      area_m2: {1000 + i}\n      windows: 4\n"
        "    departments:\n      - id: civil_affairs\n        resident: true\n"
        for i in range(2)
    )
    target = tmp_path / "c.yaml"
    target.write_text(text, encoding="utf-8")
    centers = load_unit(Unit(str(target)))
    assert [c.id for c in centers] == ["c0", "c1"]
    assert all(isinstance(c.document, fastload.YamlDocument) for c in centers)
    want = source.read_document(str(target))
    for center in centers:
        for path in [(), ("id",), ("hall", "area_m2"), ("departments", 0), ("departments", 0, "id"), ("nope",)]:
            assert center.location(path) == want.location(center.base + path)
