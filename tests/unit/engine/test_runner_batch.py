"""engine.runner evaluates many centers per durable_rules call: the centers of a batch share one
session, their fact ids prefixed with their place in the batch, rules deliver all their matches in
one message (``cap``), the ``$sink`` takes every fact without firing. These tests hold it to the
engine as it was driven before batching — one center per session, facts with a session id, one
message per match, the sink firing — written out here (``reference_matches``) against a ruleset
registered under its own name: the same matches for every example center, under every bundled
standard and several as-of dates, for randomly altered centers, for batches of the largest
centers, and for facts orjson would write otherwise than ``facts_json``. A center the engine
refuses — a fact asserted twice, a fact no rule takes, a value durable's parser cannot read, after
which it silently stops reading the whole call — costs that center an error, never the others of
its batch.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import runner
from engine.center import CenterDoc, load_centers
from engine.compiler import CompiledRuleset, compile_standard
from engine.facts import build_facts
from engine.rulebook import Rulebook, load_rulebook
from engine.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
STANDARDS = ("cn-2011-22", "sjz-current", "sjz-proposed")
DATES = ("2012-01-01", "2018-12-31", "2019-01-01", "2026-06-01")

Facts = list[dict[str, Any]]


# ---------------------------------------------------------------- the engine as driven before batching

_ENGINE: Any = None
_REFERENCE: dict[str, int] = {}


def reference_matches(name: str, definition: dict[str, Any], facts: Facts) -> list[runner.Match]:
    """One center in its own session, every fact with a session id, json.dumps (facts_json for
    exponents), each match one message, the sink firing: engine.runner before batching."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = importlib.import_module("durable_rules_engine")
    engine = _ENGINE
    if name not in _REFERENCE:
        rules = {rule: {k: v for k, v in body.items() if k != "run"} for rule, body in definition.items()}
        _REFERENCE[name] = engine.create_ruleset("ref_" + name, json.dumps(rules, ensure_ascii=False))
    handle = _REFERENCE[name]
    text = runner.facts_json([{**f, "sid": "reference"} for f in facts])
    code, state = engine.assert_facts(handle, text)
    matches: list[runner.Match] = []
    started = engine.start_action_for_state(handle, state)  # started before delete_state (runner.py)
    message = started[1] if started else None
    while message:
        for rule, match in json.loads(message).items():
            if rule != "$sink":
                matches.append((rule, match["m"]["id"]))
        message = engine.complete_and_start_action(handle, state)
    engine.delete_state(handle, "reference")
    assert code == 0, f"the reference refused the facts (code {code})"
    return matches


def multiset(matches: list[runner.Match] | None) -> list[runner.Match]:
    assert matches is not None
    return sorted(matches)


def check_batched(rulesets: list[CompiledRuleset], facts: list[Facts]) -> list[runner.TaskResult]:
    """Evaluate the centers in one ``evaluate_in_process`` call (batched) and each alone; both must
    give the reference's matches, center by center, in task order."""
    definitions = {rs.name: rs.definition for rs in rulesets}
    tasks = [runner.Task(100 + i, f"c{i}", rs.name, f) for i, (rs, f) in enumerate(zip(rulesets, facts, strict=True))]
    batched = runner.evaluate_in_process(definitions, tasks)
    assert [r.key for r in batched] == [t.key for t in tasks]
    for task, rs, result in zip(tasks, rulesets, batched, strict=True):
        assert result.error is None, f"{task.label}: {result.error}"
        alone = runner.evaluate_in_process(definitions, [task])[0]
        expected = multiset(reference_matches(rs.name, rs.definition, task.facts))
        assert multiset(result.matches) == expected, f"{task.label}: batched differs from the reference"
        assert multiset(alone.matches) == expected, f"{task.label}: alone differs from the reference"
    return batched


# ---------------------------------------------------------------- data


@pytest.fixture(scope="module")
def examples() -> list[CenterDoc]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return sorted(load_centers([str(EXAMPLES)]), key=lambda c: c.id)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook()


_STANDARDS: dict[str, Standard] = {}


def standard(standard_id: str) -> Standard:
    if standard_id not in _STANDARDS:
        _STANDARDS[standard_id] = load_standard(standard_id)
    return _STANDARDS[standard_id]


def prepared(
    centers: list[CenterDoc], standard_id: str, as_of: str, rulebook: Rulebook
) -> tuple[list[CompiledRuleset], list[Facts]]:
    std = standard(standard_id)
    date = dt.date.fromisoformat(as_of)
    rulesets = [compile_standard(std, rulebook, c.tier, date) for c in centers]
    return rulesets, [build_facts(c, std.registries).facts for c in centers]


# ---------------------------------------------------------------- identical matches


@pytest.mark.parametrize("standard_id", STANDARDS)
@pytest.mark.parametrize("as_of", DATES)
def test_every_example_center_batched_gets_the_matches_of_the_engine_driven_one_center_at_a_time(
    standard_id: str, as_of: str, examples: list[CenterDoc], rulebook: Rulebook
) -> None:
    rulesets, facts = prepared(examples, standard_id, as_of, rulebook)
    assert len({rs.name for rs in rulesets}) >= 2, "tiers interleave: several rulesets in one call"
    check_batched(rulesets, facts)


def _alter(rng: random.Random, facts: Facts) -> Facts:
    """A center's facts, randomly altered: fields dropped, booleans flipped, numbers scaled,
    strings swapped for another fact's, items dropped (the center fact, last, stays)."""
    out = []
    for fact in facts[:-1]:
        if rng.random() < 0.15:
            continue
        out.append(dict(fact))
    out.append(dict(facts[-1]))
    strings = sorted({v for f in facts for v in f.values() if isinstance(v, str)})
    for fact in out:
        for name in [n for n in fact if n not in ("id", "t")]:
            roll = rng.random()
            value = fact[name]
            if roll < 0.15:
                del fact[name]
            elif roll < 0.3 and isinstance(value, bool):
                fact[name] = not value
            elif roll < 0.3 and isinstance(value, int | float):
                fact[name] = rng.choice([0, 1, value * 2, value // 2 if isinstance(value, int) else value / 3, 0.5])
            elif roll < 0.3 and isinstance(value, str) and strings:
                fact[name] = rng.choice(strings)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_randomly_altered_centers_batched_get_the_matches_of_the_engine_driven_one_center_at_a_time(
    seed: int, examples: list[CenterDoc], rulebook: Rulebook
) -> None:
    rng = random.Random(seed)
    standard_id = STANDARDS[seed % len(STANDARDS)]
    rulesets, facts = prepared(examples, standard_id, DATES[seed], rulebook)
    picks = [rng.randrange(len(examples)) for _ in range(120)]
    check_batched([rulesets[i] for i in picks], [_alter(rng, facts[i]) for i in picks])


def test_batches_of_the_largest_centers_stay_within_the_engine_limits_and_give_the_same_matches(
    examples: list[CenterDoc], rulebook: Rulebook
) -> None:
    """City centers (≈ 130 matters, ≈ 17 departments each), many per batch: a batch is bounded by
    MAX_BATCH_FACTS, so 80 of them take several batches; each batch shares one session."""
    rulesets, facts = prepared(examples, "sjz-proposed", "2026-06-01", rulebook)
    cities = [i for i, rs in enumerate(rulesets) if rs.tier == "city"]
    assert cities
    largest = max(len(facts[i]) for i in cities)
    assert largest >= 100, largest
    picks = [cities[n % len(cities)] for n in range(80)]
    tasks = [runner.Task(n, f"c{n}", rulesets[i].name, facts[i]) for n, i in enumerate(picks)]
    batches = runner.batches(tasks, lambda name: True)
    assert len(batches) > 1
    for batch in batches:
        assert len(batch) <= runner.MAX_BATCH_CENTERS
        assert sum(len(tasks[i].facts) for i in batch) <= runner.MAX_BATCH_FACTS
    check_batched([rulesets[i] for i in picks], [facts[i] for i in picks])


def test_a_full_batch_of_small_centers_gives_the_same_matches(examples: list[CenterDoc], rulebook: Rulebook) -> None:
    rulesets, facts = prepared(examples, "sjz-current", "2019-01-01", rulebook)
    villages = [i for i, rs in enumerate(rulesets) if rs.tier == "village"]
    picks = [villages[n % len(villages)] for n in range(runner.MAX_BATCH_CENTERS + 7)]
    check_batched([rulesets[i] for i in picks], [facts[i] for i in picks])


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda f: f.update(population=1e-05), id="small float (orjson: 1e-05 is fine, 1e-07 is not)"),
        pytest.param(lambda f: f.update(population=1e-07), id="exponent 1e-07"),
        pytest.param(lambda f: f.update(hall__area_m2=2.5e16), id="exponent 2.5e+16"),
        pytest.param(lambda f: f.update(hall__area_m2=12345678901234567890123), id="int past 64 bits"),
        pytest.param(lambda f: f.update(organization__rank='full"division\\\n'), id="escapes"),
        pytest.param(lambda f: f.update(organization__rank="正处级"), id="chinese"),
        pytest.param(lambda f: f.update(organization__rank="{not an object}"), id="brace in a string"),
        pytest.param(lambda f: f.update(organization__rank=None), id="null"),
        pytest.param(lambda f: f.update(hall__area_m2=float("nan")), id="NaN"),
        pytest.param(lambda f: f.update(sid="elsewhere"), id="a sid field"),
        pytest.param(lambda f: f.update(id="center|with|bars"), id="bars in the id"),
    ],
)
def test_facts_orjson_would_write_otherwise_give_the_same_matches(
    change: Callable[[dict[str, Any]], None], examples: list[CenterDoc], rulebook: Rulebook
) -> None:
    rulesets, facts = prepared(examples, "sjz-proposed", "2026-06-01", rulebook)
    odd = copy.deepcopy(facts[3])
    change(odd[-1])
    picks = [0, 3, 5, 7]
    check_batched([rulesets[i] for i in picks] + [rulesets[3]], [facts[i] for i in picks] + [odd])


# ---------------------------------------------------------------- refusals stay with their center


def test_a_center_the_engine_refuses_gets_its_error_and_the_rest_of_its_batch_its_matches(
    examples: list[CenterDoc], rulebook: Rulebook
) -> None:
    rulesets, facts = prepared(examples, "sjz-proposed", "2026-06-01", rulebook)
    definitions = {rs.name: rs.definition for rs in rulesets}
    group = [i for i, rs in enumerate(rulesets) if rs.name == rulesets[2].name]  # one batch
    assert len(group) > 7
    twice, untyped, dated, infinite = group[0], group[2], group[4], group[5]
    odd = {
        # durable's parser cannot read Infinity (json.dumps) and silently stops reading the batch there
        infinite: [*facts[infinite][:-1], {**facts[infinite][-1], "hall__area_m2": float("inf")}],
        twice: [*facts[twice], dict(facts[twice][0])],  # a fact asserted twice
        untyped: [{"id": "x:0"}, *facts[untyped]],  # a fact the sink does not take (no "t")
        dated: [*facts[dated][:-1], {**facts[dated][-1], "opened": dt.date(2020, 1, 1)}],  # json.dumps refuses it
    }
    tasks = [runner.Task(i, f"c{i}", rulesets[i].name, odd.get(i, facts[i])) for i in group]
    results = runner.evaluate_in_process(definitions, tasks)
    assert [r.key for r in results] == [t.key for t in tasks]
    for task, result in zip(tasks, results, strict=True):
        if task.key == twice:
            assert result.matches is None and result.error == "EngineError: a fact was asserted twice (MessageObserved)"
        elif task.key == untyped:
            assert result.matches is None
            assert result.error == "EngineError: a fact was taken by no rule (MessageNotHandled)"
        elif task.key == infinite:
            assert result.matches is None
            assert result.error == "EngineError: durable_rules stopped reading the facts early: a value it cannot read"
        elif task.key == dated:
            assert result.matches is None and result.error is not None and result.error.startswith("TypeError")
        else:
            assert result.error is None
            expected = reference_matches(rulesets[task.key].name, rulesets[task.key].definition, task.facts)
            assert multiset(result.matches) == multiset(expected)


def test_a_refused_batch_leaves_no_session_behind_and_the_next_batch_is_unharmed() -> None:
    """Run in a fresh interpreter: a session deleted before any action started frees an
    uninitialised pointer (durable_rules), which crashed on a duplicate fact id before."""
    script = """
import datetime as dt
from engine import runner
from engine.center import load_centers
from engine.compiler import compile_standard
from engine.facts import build_facts
from engine.rulebook import load_rulebook
from engine.standard import load_standard
std, rules = load_standard("sjz-proposed"), load_rulebook()
centers = sorted(load_centers(["examples/shijiazhuang"]), key=lambda c: c.id)
ev = runner.DurableEvaluator()
for c in centers:
    rs = compile_standard(std, rules, c.tier, dt.date(2026, 6, 1))
    ev.register(rs.name, rs.definition)
    facts = build_facts(c, std.registries).facts
    for _ in range(3):
        try:
            ev.evaluate(rs.name, [*facts, dict(facts[0])])
            raise SystemExit("a fact asserted twice was accepted")
        except runner.EngineError:
            pass
        try:
            ev.evaluate_batch(rs.name, [facts, [{"id": "x:0"}], facts])
            raise SystemExit("a fact no rule takes was accepted")
        except runner.EngineError:
            pass
        try:
            ev.evaluate_batch(rs.name, [facts, [{**facts[-1], "hall__area_m2": float("-inf")}], facts])
            raise SystemExit("a batch durable stopped reading was accepted")
        except runner.EngineError:
            pass
        assert sorted(ev.evaluate(rs.name, facts)) == sorted(ev.evaluate_batch(rs.name, [facts, facts])[1])
print("ok")
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", (proc.returncode, proc.stderr[-2000:])


# ---------------------------------------------------------------- what may share a session


def test_a_ruleset_with_a_join_is_evaluated_one_center_per_session() -> None:
    definition = {
        "pair": {"all": [{"m": {"t": "dep"}}, {"n": {"t": "center"}}], "run": "pair"},
        "$sink": {"all": [{"m": {"$ex": {"t": 1}}}], "run": "$sink"},
    }
    single = {
        "dep": {"all": [{"m": {"t": "dep"}}], "run": "dep"},
        "$sink": {"all": [{"m": {"$ex": {"t": 1}}}], "run": "$sink"},
    }
    assert runner.engine_rules(definition)[1] is False
    assert runner.engine_rules(single)[1] is True
    ev = runner.DurableEvaluator()
    ev.register("hm_test_join", definition)
    assert not ev.shares_sessions("hm_test_join")
    tasks = [
        runner.Task(
            i, f"c{i}", "hm_test_join", [{"id": "dep:0", "t": "dep", "key": "a"}, {"id": "center", "t": "center"}]
        )
        for i in range(3)
    ]
    assert runner.batches(tasks, ev.shares_sessions) == [[0], [1], [2]]
    with pytest.raises(runner.EngineError):
        ev.evaluate_batch("hm_test_join", [t.facts for t in tasks])
    results = runner.evaluate_in_process({"hm_test_join": definition}, tasks)
    assert [sorted(r.matches or []) for r in results] == [[("pair", "dep:0")]] * 3  # a match names its first fact (m)


def test_batches_keep_one_ruleset_each_and_every_task_once() -> None:
    tasks = [runner.Task(i, f"c{i}", "ab"[i % 2], [{"id": "center", "t": "center"}] * (1 + i % 5)) for i in range(700)]
    batches = runner.batches(tasks, lambda name: True)
    assert sorted(i for b in batches for i in b) == list(range(700))
    for batch in batches:
        assert len({tasks[i].ruleset for i in batch}) == 1
        assert len(batch) <= runner.MAX_BATCH_CENTERS
        assert batch == sorted(batch)
    assert runner.evaluate_in_process({}, []) == []
