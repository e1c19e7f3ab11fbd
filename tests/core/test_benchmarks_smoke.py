"""The benchmark runner's pure parts: judging ratios, the table, the JSON line, reading wrk."""

from __future__ import annotations

import json

import pytest

from benchmarks import load, pdf, svg
from benchmarks.table import ABSENT, FAILED, MISS, OK, Figure, absent, as_json, failed, format_table, judged

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40000/assertions/x
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  20.00ms   90.00%
    Req/Sec     1.30k   100.00     1.50k    70.00%
  12950 requests in 5.00s, 19.00MB read
  Socket errors: connect 0, read 12950, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   2590.00
Transfer/sec:      3.80MB
"""


@pytest.mark.parametrize(
    ("bound", "target", "ratio", "status"),
    [
        ("max", 1.15, 1.10, OK),
        ("max", 1.15, 1.15, OK),
        ("max", 1.15, 1.2, MISS),
        ("min", 0.9, 0.95, OK),
        ("min", 0.9, 0.9, OK),
        ("min", 0.9, 0.5, MISS),
    ],
)
def test_judged_compares_the_ratio_with_its_aim_in_the_right_direction(bound, target, ratio, status):
    assert judged(Figure("k", "travail", ratio=ratio, bound=bound, target=target)).status == status


def test_judged_keeps_an_absent_figure_absent():
    figure = absent("k", "travail", "min", 0.9, "route absente")
    assert judged(figure).status == ABSENT and judged(figure).ratio is None


def test_failed_figure_carries_the_reason_instead_of_a_number():
    figure = failed("k", "travail", "max", 1.5, RuntimeError("gunicorn ne répond pas"))
    assert figure.status == FAILED and figure.ratio is None and "gunicorn ne répond pas" in figure.note


def test_aim_is_written_as_in_the_issue():
    assert Figure("k", "w", bound="max", target=1.15).aim == "≤ 1.15×"
    assert Figure("k", "w", bound="min", target=0.9).aim == "≥ 0.9×"


def test_format_table_shows_every_figure_with_ratio_aim_and_verdict_then_notes():
    figures = [
        judged(Figure("a", "attribution", ratio=1.234, target=1.15, measured="5 s", limit="4 s")),
        absent("b", "vérification", "min", 0.6, "route absente"),
    ]
    text = format_table(figures)
    lines = text.splitlines()
    assert lines[0].startswith("travail") and set(lines[1]) <= {"-", "+"}
    assert "1.23×" in lines[2] and "≤ 1.15×" in lines[2] and MISS in lines[2]
    assert "—" in lines[3] and ABSENT in lines[3]
    assert "[b] route absente" in text


def test_as_json_is_one_line_holding_every_figure_and_the_context():
    figures = [judged(Figure("a", "attribution", ratio=1.1, target=1.15, measured="5 s", values={"n": 500}))]
    line = as_json(figures, {"cpus": 2})
    assert "\n" not in line
    data = json.loads(line)
    assert data["context"] == {"cpus": 2}
    assert data["figures"]["a"]["ratio"] == 1.1 and data["figures"]["a"]["n"] == 500
    assert data["figures"]["a"]["status"] == OK


def test_parse_wrk_reads_rate_total_and_counts_bad_answers_but_not_closed_connections():
    result = load.parse_wrk(WRK_OUTPUT)
    assert result.rps == 2590.0 and result.requests == 12950 and result.seconds == 5.0
    assert result.bad == 3 + 2  # non-2xx/3xx plus timeouts; reads closed by sync workers are normal


def test_parse_wrk_refuses_output_it_cannot_read():
    with pytest.raises(RuntimeError, match="illisible"):
        load.parse_wrk("wrk: command failed")


@pytest.mark.parametrize("text", ["simple", "a]]b", "x]=]y]]", ""])
def test_lua_long_string_never_contains_its_own_closing_bracket(text):
    quoted = load._lua_string(text)
    level = quoted.index("[", 1) - 1
    closing = "]" + "=" * level + "]"
    assert quoted.endswith(closing) and quoted[level + 2 : -len(closing)] == text
    assert closing not in text


def test_cahier_figures_come_from_the_cahier_benchmark_dict():
    found = {
        "cahier_seconds": 2.6,
        "reference_seconds": 2.0,
        "cahier_peak_mib": 90.0,
        "reference_peak_mib": 80.0,
        "pages": 18,
        "target_ratio": 1.3,
    }
    time_fig, memory_fig = pdf.from_dict(found, 30)
    assert time_fig.ratio == pytest.approx(1.3) and time_fig.status == OK
    assert memory_fig.ratio == pytest.approx(1.125) and memory_fig.status == OK


def test_cahier_figures_are_absent_when_the_dict_lacks_them():
    assert [f.status for f in pdf.from_dict({}, 30)] == [ABSENT, ABSENT]


def test_wrk_script_rotates_through_every_path_when_asked():
    request = load.Request("/a/1", headers={"Accept": "application/ld+json"}, rotate=("/a/2", "/a/3"))
    script = load._script(request)
    assert "paths = { [[/a/1]], [[/a/2]], [[/a/3]] }" in script
    assert "wrk.format(nil, paths[i])" in script and "wrk.headers[ [[Host]] ]" in script


# --- SVG extraction (benchmarks/svg.py) -------------------------------------------------------


def test_svg_cases_are_at_the_size_limit_and_answer_as_expected():
    from badges import MAX_UPLOAD

    found = svg.cases(MAX_UPLOAD)
    assert len({case.name for case in found}) == len(found) >= 12
    for case in found:
        assert 0.99 * MAX_UPLOAD <= len(case.data) <= MAX_UPLOAD or case.name.startswith("480")
        assert svg._answer(case.data) == case.expected, case.name


def test_svg_measure_refuses_to_time_a_case_that_answers_otherwise():
    with pytest.raises(RuntimeError, match="au lieu de"):
        svg.measure(svg.Case("pas de badge", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "url"), 1)


def test_svg_figures_take_the_dearest_case_against_expat_and_the_longest_against_the_budget():
    measures = [
        svg.Measure("cher", 100, extract_ms=6.0, expat_ms=12.0, sha256_ms=1.0),
        svg.Measure("long", 100, extract_ms=60.0, expat_ms=600.0, sha256_ms=1.0),
    ]
    ratio_fig, budget_fig = svg.figures(measures, 5 * 1024 * 1024, dom_ms=2500.0)
    assert ratio_fig.ratio == pytest.approx(0.5) and ratio_fig.status == OK
    assert "« cher »" in ratio_fig.note and "2500 ms" in ratio_fig.note
    assert ratio_fig.values["cases"]["long"]["expat_ms"] == 600.0
    assert budget_fig.ratio == pytest.approx(60.0 / 50.0) and budget_fig.status == MISS
    assert "« long »" in budget_fig.note and budget_fig.limit.startswith("50 ms")


def test_svg_benchmark_runs_alone_without_building_an_instance(monkeypatch, tmp_path):
    from benchmarks import fixture, suite

    def no_instance(*args, **kwargs):
        raise AssertionError("--only svg needs no key and no database")

    monkeypatch.setattr(fixture, "create", no_instance)
    monkeypatch.setattr(svg, "run", lambda **kwargs: [judged(Figure(svg.KEY, "svg", ratio=0.3))])
    figures, _context = suite.run_all(tmp_path, quick=True, only={"svg"})
    assert [f.key for f in figures] == [svg.KEY] and "svg" in suite.NAMES


def test_scale_fixture_builds_a_small_and_a_larger_instance_on_the_current_schema(tmp_path, private_pem):
    """The volume benchmark writes rows with multi-row INSERTs: they must satisfy today's schema."""
    from sqlalchemy import func, select

    from benchmarks import fixture, scale
    from issuer import db
    from issuer.models import Assertion

    instances, subjects = scale.build(tmp_path, private_pem, small=40, large=120)
    counts = []
    for instance in instances:
        app = fixture.make_app(instance)
        with app.app_context():
            counts.append(db.session().scalar(select(func.count(Assertion.id))))
    assert counts[0] >= 40 and counts[1] >= 120 and subjects[0] == subjects[1]
