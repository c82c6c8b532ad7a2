"""The dashboard benchmark (bench/dashboard_bench.py), end to end on a small DuckDB dataset, so
that it cannot rot: the app serves every interaction of every tab over HTTP, the cold ones
compute their answers (which are replayed on a connection), the warm ones come from the cache."""
from bench.dashboard_bench import FLOOR_CALLS, INTERACTIONS, TABS, comparison_report, prepare, report, run_engine


def test_the_benchmark_measures_every_interaction_of_every_tab(tmp_path):
    url = f"duckdb:///{tmp_path / 'bench.duckdb'}"
    prepare(url, customers=60, days=420)  # about 50 thousand records
    run = run_engine("duckdb", url, repeats=1, warmup=0, work_dir=tmp_path)

    assert run.records > 40_000
    measured = {(row.tab, row.interaction): row for row in run.rows}
    assert set(measured) == {(tab, name) for tab, actions in INTERACTIONS.items() for name, _ in actions}
    for row in run.rows:
        assert row.requests >= 1 and len(row.cold) == len(row.warm) == len(row.raw) == 1
        assert row.cold[0] > 0 and row.warm[0] > 0
        assert row.raw[0] > 0, f"{row.tab}, {row.interaction}: the app computed no answer"
    assert run.computed_when_warm == 0, "warm interactions must be answered from the cache"
    # The floor, on the same server: after each tab's warm pass, answered without a query.
    assert len(run.floor) == len(run.floor_cpu) == FLOOR_CALLS * len(TABS) and min(run.floor) > 0
    assert all(multiple > 0 for row in run.rows for multiple in run.floor_multiples(row)[:2])
    assert 0 < run.peak_rss_mib < 1024
    table = report([run])
    assert all(f"| {row.tab} | {row.interaction} |" in table for row in run.rows)
    assert "the floor (" in table

    compared = run_engine("duckdb", url, repeats=1, warmup=0, work_dir=tmp_path, compare="previous")
    assert compared.engine == "duckdb, compare previous" and compared.computed_when_warm == 0
    assert all(row.raw[0] > 0 for row in compared.rows)
    ratios = comparison_report([run, compared])
    assert all(f"| {row.tab} | {row.interaction} |" in ratios for row in compared.rows)
