"""engine.center: every center is checked against the contract before any rule runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.center import MISSING, CenterDoc, iter_input_files, load_center_text, load_centers, parse_centers
from engine.errors import InputError, Location
from engine.source import load_document

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"

MINIMAL = 'center:\n  id: "c1"\n  name: 中心\n  tier: county\n  region_code: "130105"\n'


def rendered(paths: list[Path]) -> list[str]:
    """Each problem as the CLI prints it, with the file name relative to tests/data."""
    with pytest.raises(InputError) as info:
        load_centers([str(p.relative_to(DATA.parent.parent)) for p in paths])
    return [p.render().removeprefix("tests/data/") for p in info.value.problems]


def codes_at(text: str, file: str = "c.yaml") -> list[tuple[str, str, str]]:
    """(code, line:column, dotted path) of every problem in one document."""
    with pytest.raises(InputError) as info:
        load_center_text(text, file)
    return [(p.code, f"{p.location.line}:{p.location.column}", p.dotted_path) for p in info.value.problems]


@pytest.fixture(autouse=True)
def _run_from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA.parent.parent)


# --- good inputs ---------------------------------------------------------------------------------


def test_minimal_center() -> None:
    (center,) = load_centers(["tests/data/good/minimal.yaml"])
    assert isinstance(center, CenterDoc)
    assert (center.id, center.name, center.tier, center.region_code) == (
        "130102-county",
        "石家庄市长安区政务服务中心",
        "county",
        "130102",
    )
    assert center.base == ("center",)
    assert center.file == "tests/data/good/minimal.yaml"
    assert len(center.sha256) == 64
    assert center.location() == Location(center.file, 2, 3)
    assert center.location(("tier",)) == Location(center.file, 4, 9)
    assert center.get("hall.area_m2") is MISSING
    assert not MISSING


def test_full_example_of_the_spec_is_valid() -> None:
    (center,) = load_centers(["tests/data/good/full.yaml"])
    assert center.id == "130105-county"
    assert center.get("parent") == "130100-city"
    assert center.get("declared_on") == "2016-06-30"
    assert center.get("hall.area_m2") == 2400
    assert center.get("hall.one_window_acceptance") is False
    assert center.get("organization.functions") == ["coordination", "supervision", "guidance"]
    assert center.get("departments.0.window_authorization") == "full"
    assert center.get("matters.0.code") == ""
    assert center.get("departments.5") is MISSING
    assert center.get("platform.e_supervision") == "separate_entry"
    assert center.location(("hall", "area_m2")).line == center.document.spans[("center", "hall", "area_m2")].line


def test_many_centers_in_one_file_keep_their_order_and_places() -> None:
    centers = load_centers(["tests/data/good/many.yaml"])
    assert [c.id for c in centers] == ["130104-county", "130104001-township", "130104001001-village"]
    assert [c.base for c in centers] == [("centers", 0), ("centers", 1), ("centers", 2)]
    assert [str(c.location(("id",))) for c in centers] == [
        "tests/data/good/many.yaml:3:9",
        "tests/data/good/many.yaml:13:9",
        "tests/data/good/many.yaml:19:9",
    ]
    assert centers[0].get("x-note") == "2017 年迁入新址"  # local extensions are kept, not refused
    assert centers[0].get("hall.area_m2") == 2400.5


def test_json_center_reads_like_yaml() -> None:
    (center,) = load_centers(["tests/data/good/minimal.json"])
    assert center.get("hall.area_m2") == 12000.0
    assert str(center.location(("hall", "windows"))) == "tests/data/good/minimal.json:7:43"


def test_folder_is_searched_recursively_and_sorted(tmp_path: Path) -> None:
    for rel, cid in [
        ("b.yaml", "b"),
        ("a/z.yml", "az"),
        ("a/c.json", "ac"),
        ("a/b/x.yaml", "abx"),
        ("c.YAML", "no"),
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = MINIMAL.replace('"c1"', f'"{cid}"')
        if rel.endswith(".json"):
            text = json.dumps({"center": {"id": cid, "name": "中心", "tier": "county", "region_code": "130105"}})
        path.write_text(text, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a center")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("broken: [")
    files = iter_input_files([str(tmp_path)])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == [
        "a/b/x.yaml",
        "a/c.json",
        "a/z.yml",
        "b.yaml",
    ]
    assert [c.id for c in load_centers([str(tmp_path)])] == ["abx", "ac", "az", "b"]


def test_files_are_kept_as_given_and_read_once(tmp_path: Path) -> None:
    (tmp_path / "one.conf").write_text(MINIMAL, encoding="utf-8")
    name = str(tmp_path / "one.conf")
    assert iter_input_files([name, name]) == [name]
    assert [c.id for c in load_centers([name, str(tmp_path / "." / "one.conf")])] == ["c1"]


def test_good_folder_loads_every_file() -> None:
    centers = load_centers(["tests/data/good"])
    assert [Path(c.file).name for c in centers] == [
        "full.yaml",
        "many.yaml",
        "many.yaml",
        "many.yaml",
        "minimal.json",
        "minimal.yaml",
    ]


@pytest.mark.parametrize(
    "extra",
    [
        "  x-note: 本地备注\n",
        "  x_owner: {name: 张三}\n",
        "  hall: {area_m2: 1, x-floor: 2}\n",
        "  departments: [{id: a, x-room: '101'}]\n",
        "  matters: [{id: m, x_local: true}]\n",
        "  organization: {x-history: [1, 2]}\n",
    ],
)
def test_local_extension_keys_are_accepted_at_every_level(extra: str) -> None:
    (center,) = load_center_text(MINIMAL + extra, "c.yaml")
    assert center.id == "c1"


# --- bad inputs: every code, with its exact place -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "area-as-string.yaml",
            ['bad/area-as-string.yaml:7:14: wrong_type: hall.area_m2 expected number, got string "3000"'],
        ),
        (
            "yaml11-boolean-id.yaml",
            [
                "bad/yaml11-boolean-id.yaml:2:7: yaml11_boolean: id expected string, got boolean false:"
                " the unquoted word yes/no/on/off was read as a boolean by YAML 1.1; quote it"
            ],
        ),
        (
            "yaml11-boolean-area.yaml",
            [
                "bad/yaml11-boolean-area.yaml:7:14: yaml11_boolean: hall.area_m2 expected number,"
                " got boolean true: the unquoted word yes/no/on/off was read as a boolean by"
                " YAML 1.1; use a number"
            ],
        ),
        (
            "unknown-key.yaml",
            [
                "bad/unknown-key.yaml:6:3: unknown_key: unknown key 'hal' in center (did you mean 'hall'?);"
                " local extensions start with x-"
            ],
        ),
        (
            "unknown-top-level-key.yaml",
            [
                "bad/unknown-top-level-key.yaml:1:1: unknown_key: unknown top-level key 'centre'"
                " (did you mean 'center'?); expected one of: center, centers"
            ],
        ),
        (
            "missing-field.yaml",
            [
                "bad/missing-field.yaml:2:3: missing_field: name is required",
                "bad/missing-field.yaml:2:3: missing_field: region_code is required",
            ],
        ),
        (
            "bad-enum.yaml",
            [
                "bad/bad-enum.yaml:4:9: bad_value: tier expected one of: city, county, township, village,"
                ' got string "County"'
            ],
        ),
        (
            "bad-region-code.yaml",
            [
                "bad/bad-region-code.yaml:5:16: bad_format: region_code expected a 6, 9 or 12 digit"
                ' division code, got string "1301050"'
            ],
        ),
        (
            "zero-area.yaml",
            [
                "bad/zero-area.yaml:6:19: out_of_range: hall.area_m2 expected a number > 0, got integer 0",
                "bad/zero-area.yaml:6:31: out_of_range: hall.windows expected a number >= 0, got integer -3",
            ],
        ),
        ("no-center.yaml", ["bad/no-center.yaml:2:1: no_center: the file holds neither center nor centers"]),
        (
            "not-a-mapping.yaml",
            [
                "bad/not-a-mapping.yaml:1:1: no_center: the top level must be a mapping with center or"
                " centers, got a list"
            ],
        ),
        ("empty-centers.yaml", ["bad/empty-centers.yaml:1:10: no_center: centers is an empty list"]),
        (
            "ambiguous.yaml",
            ["bad/ambiguous.yaml:6:1: ambiguous_document: the file holds both center and centers; use one of them"],
        ),
        (
            "duplicate-center-id.yaml",
            [
                "bad/duplicate-center-id.yaml:6:9: duplicate_center_id: duplicate center id"
                " '130105-county' (first at tests/data/bad/duplicate-center-id.yaml:2:9)"
            ],
        ),
        (
            "duplicate-key.yaml",
            ["bad/duplicate-key.yaml:6:3: duplicate_key: duplicate key 'tier' (first at line 4)"],
        ),
        ("empty.yaml", ["bad/empty.yaml:1:1: empty_document: the file is empty"]),
        (
            "json-syntax.json",
            [
                "bad/json-syntax.json:5:3: json_syntax: JSON syntax error: Expecting property name"
                " enclosed in double quotes"
            ],
        ),
        ("infinite-area.yaml", ["bad/infinite-area.yaml:7:14: wrong_type: not a valid (finite) number"]),
    ],
)
def test_each_bad_file_reports_its_problems_at_their_places(name: str, expected: list[str]) -> None:
    assert rendered([BAD / name]) == expected


def test_several_errors_in_one_file_are_all_reported_at_once() -> None:
    assert [line.split(": ", 2)[:2] for line in rendered([BAD / "several-errors.yaml"])] == [
        ["bad/several-errors.yaml:5:18", "wrong_type"],  # region_code: 130105 (unquoted)
        ["bad/several-errors.yaml:6:17", "wrong_type"],  # population: many
        ["bad/several-errors.yaml:9:13", "bad_value"],  # rank: deputy_secton
        ["bad/several-errors.yaml:11:16", "wrong_type"],  # area_m2: "3000"
        ["bad/several-errors.yaml:17:19", "wrong_type"],  # resident: "yes" (a string)
        ["bad/several-errors.yaml:18:9", "missing_field"],  # departments[2] has no id
        ["bad/several-errors.yaml:20:5", "missing_field"],  # second center has no name
        ["bad/several-errors.yaml:20:9", "bad_format"],  # id: bad id
        ["bad/several-errors.yaml:21:11", "bad_value"],  # tier: town
        ["bad/several-errors.yaml:23:18", "bad_format"],  # declared_on: 2016-02-30
        ["bad/several-errors.yaml:26:7", "unknown_key"],  # e_supervison
    ]


def test_problem_paths_start_at_the_document_and_messages_at_the_center() -> None:
    with pytest.raises(InputError) as info:
        load_centers(["tests/data/bad/several-errors.yaml"])
    by_path = {p.dotted_path: p for p in info.value.problems}
    resident = by_path["centers[0].departments[1].resident"]
    assert resident.path == ("centers", 0, "departments", 1, "resident")
    assert resident.message.en == 'departments[1].resident expected boolean, got string "yes"'
    assert resident.message.zh == 'departments[1].resident 应为布尔值（true/false），实际为字符串 "yes"'
    assert resident.expected == "boolean"
    rank = by_path["centers[0].organization.rank"]
    assert rank.expected.startswith("one of: full_bureau, deputy_bureau,")
    assert by_path["centers[0].departments[2].id"].message.en == "departments[2].id is required"
    assert by_path["centers[1].platform.e_supervison"].expected.startswith("one of: unified_platform")


def test_duplicate_center_ids_across_files_point_at_the_second_and_name_the_first() -> None:
    folder = BAD / "duplicate-center-id-across"
    assert rendered([folder]) == [
        "bad/duplicate-center-id-across/b.yaml:4:7: duplicate_center_id: duplicate center id '130105-county'"
        " (first at tests/data/bad/duplicate-center-id-across/a.yaml:2:7)"
    ]
    # Given in the other order, the other file holds the second occurrence.
    assert rendered([folder / "b.yaml", folder / "a.yaml"])[0].startswith(
        "bad/duplicate-center-id-across/a.yaml:2:7: duplicate_center_id"
    )


def test_problems_of_all_files_are_raised_together() -> None:
    lines = rendered([BAD / "area-as-string.yaml", GOOD / "minimal.yaml", BAD / "empty.yaml", BAD / "bad-enum.yaml"])
    assert [line.split(": ")[1] for line in lines] == ["wrong_type", "bad_value", "empty_document"]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        iter_input_files([str(tmp_path / "absent.yaml"), "tests/data/good/minimal.yaml", str(tmp_path / "gone")])
    assert [p.code for p in info.value.problems] == ["missing_path", "missing_path"]
    with pytest.raises(InputError) as info:
        load_centers(["tests/data/good/minimal.yaml", "no/such/dir"])
    assert [(p.code, str(p.location)) for p in info.value.problems] == [("missing_path", "no/such/dir")]


def test_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_centers([str(tmp_path)])
    assert [p.code for p in info.value.problems] == ["no_input_files"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("  hall:\n    area_m2: '3000'\n", [("wrong_type", "7:14", "center.hall.area_m2")]),
        ("  hall:\n    area_m2: yes\n", [("yaml11_boolean", "7:14", "center.hall.area_m2")]),
        ("  hall:\n    windows: on\n", [("yaml11_boolean", "7:14", "center.hall.windows")]),
        ("  hall:\n    windows: 2.5\n", [("wrong_type", "7:14", "center.hall.windows")]),
        ("  hall:\n    windows: true\n", [("wrong_type", "7:14", "center.hall.windows")]),
        ("  hall:\n    one_window_acceptance: yes\n", []),
        (
            "  hall:\n    one_window_acceptance: 'yes'\n",
            [("wrong_type", "7:28", "center.hall.one_window_acceptance")],
        ),
        (
            "  hall:\n    one_window_acceptance: 1\n",
            [("wrong_type", "7:28", "center.hall.one_window_acceptance")],
        ),
        ("  hall: 3000\n", [("wrong_type", "6:9", "center.hall")]),
        ("  hall:\n", [("wrong_type", "6:8", "center.hall")]),
        ("  hall: {aera_m2: 1}\n", [("unknown_key", "6:10", "center.hall.aera_m2")]),
        ("  parent: off\n", [("yaml11_boolean", "6:11", "center.parent")]),
        ("  parent: 'a b'\n", [("bad_format", "6:11", "center.parent")]),
        ("  population: -1\n", [("out_of_range", "6:15", "center.population")]),
        ("  population: 1000000.0\n", []),  # JSON Schema: an integer may be written 1000000.0
        ("  population: 1.5\n", [("wrong_type", "6:15", "center.population")]),
        ("  declared_on: 2016-06-30\n", []),
        ("  declared_on: '2016-6-30'\n", [("bad_format", "6:16", "center.declared_on")]),
        ("  declared_on: 2016-06-30 08:00:00\n", [("bad_format", "6:16", "center.declared_on")]),
        ("  organization: {nature: bureau}\n", [("bad_value", "6:26", "center.organization.nature")]),
        (
            "  organization: {functions: coordination}\n",
            [("wrong_type", "6:29", "center.organization.functions")],
        ),
        (
            "  organization: {functions: [coordination, 3]}\n",
            [("wrong_type", "6:44", "center.organization.functions[1]")],
        ),
        (
            "  organization: {approved_posts: '15'}\n",
            [("wrong_type", "6:34", "center.organization.approved_posts")],
        ),
        ("  departments: {id: a}\n", [("wrong_type", "6:16", "center.departments")]),
        ("  departments: [a]\n", [("wrong_type", "6:17", "center.departments[0]")]),
        (
            "  departments: [{id: a, window_authorization: some}]\n",
            [("bad_value", "6:47", "center.departments[0].window_authorization")],
        ),
        ("  matters: [{id: m, type: licensing}]\n", [("bad_value", "6:27", "center.matters[0].type")]),
        (
            "  matters: [{id: m, promised_days: -1}]\n",
            [("out_of_range", "6:36", "center.matters[0].promised_days")],
        ),
        ("  matters: [{name: m, online: yes}]\n", [("missing_field", "6:13", "center.matters[0].id")]),
        ("  platform: {e_supervision: no}\n", [("yaml11_boolean", "6:29", "center.platform.e_supervision")]),
        (
            "  performance: {report_frequency: weekly}\n",
            [("bad_value", "6:35", "center.performance.report_frequency")],
        ),
        (
            "  performance: {egov_in_assesment: true}\n",
            [("unknown_key", "6:17", "center.performance.egov_in_assesment")],
        ),
        ("  colour: blue\n", [("unknown_key", "6:3", "center.colour")]),
    ],
)
def test_field_checks(extra: str, expected: list[tuple[str, str, str]]) -> None:
    if not expected:
        assert load_center_text(MINIMAL + extra, "c.yaml")
    else:
        assert codes_at(MINIMAL + extra) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "center:\n  name: 中心\n  tier: county\n  region_code: '130105'\n",
            [("missing_field", "2:3", "center.id")],
        ),
        (
            "center: {}\n",
            [
                ("missing_field", "1:9", "center.id"),
                ("missing_field", "1:9", "center.name"),
                ("missing_field", "1:9", "center.tier"),
                ("missing_field", "1:9", "center.region_code"),
            ],
        ),
        ("center: []\n", [("wrong_type", "1:9", "center")]),
        ("center:\n", [("wrong_type", "1:8", "center")]),
        ("centers: {id: a}\n", [("wrong_type", "1:10", "centers")]),
        ("centers: [1]\n", [("wrong_type", "1:11", "centers[0]")]),
        ("null\n", [("no_center", "1:1", "")]),
        ("just text\n", [("no_center", "1:1", "")]),
        ("x-note: hi\n", [("unknown_key", "1:1", "x-note")]),
        (MINIMAL + "version: 1\n", [("unknown_key", "6:1", "version")]),
        (MINIMAL.replace('id: "c1"', "id: no"), [("yaml11_boolean", "2:7", "center.id")]),
        (MINIMAL.replace('id: "c1"', "id: 'c1\n'"), [("bad_format", "2:7", "center.id")]),
        (MINIMAL.replace('id: "c1"', "id: 42"), [("wrong_type", "2:7", "center.id")]),
        (MINIMAL.replace("name: 中心", "name: '  '"), [("bad_format", "3:9", "center.name")]),
        (MINIMAL.replace('"130105"', "'130105\n'"), [("bad_format", "5:16", "center.region_code")]),
        (MINIMAL.replace('"130105"', "130105001"), [("wrong_type", "5:16", "center.region_code")]),
        (MINIMAL.replace('"130105"', "'130105001001'"), []),
    ],
)
def test_document_checks(text: str, expected: list[tuple[str, str, str]]) -> None:
    if not expected:
        assert load_center_text(text, "c.yaml")
    else:
        assert codes_at(text) == expected


def test_yaml11_boolean_messages_are_bilingual() -> None:
    with pytest.raises(InputError) as info:
        load_center_text(MINIMAL.replace('id: "c1"', "id: no"), "c.yaml")
    (problem,) = info.value.problems
    assert "YAML 1.1" in problem.message.en and "quote it" in problem.message.en
    assert "YAML 1.1" in problem.message.zh and "引号" in problem.message.zh
    assert problem.expected == "string"


def test_json_document_problems_have_places() -> None:
    text = (
        '{"center": {"id": "c1", "name": "中心", "tier": "county", "region_code": "130105",\n'
        ' "hall": {"area_m2": "3000"}}}'
    )
    assert codes_at(text, "c.json") == [("wrong_type", "2:22", "center.hall.area_m2")]


def test_parse_centers_takes_a_document() -> None:
    (center,) = parse_centers(load_document(MINIMAL, "c.yaml"))
    assert center.document.file == "c.yaml"
    assert center.data == {"id": "c1", "name": "中心", "tier": "county", "region_code": "130105"}


def test_bad_folder_never_raises_anything_but_input_error(tmp_path: Path) -> None:
    for path in sorted(BAD.iterdir()):
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
            with pytest.raises(InputError):
                load_centers([str(tmp_path / path.name)])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("center: s-\n[]{}\"'&*!|>#%@,.?0123456789yesnoid_\t中")), max_size=80))
def test_any_text_is_centers_or_an_input_error(text: str) -> None:
    try:
        centers = load_center_text(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        assert all(p.location.file == "fuzz.yaml" and p.location.line >= 1 for p in exc.problems)
    else:
        assert centers
