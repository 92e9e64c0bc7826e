"""The split benchmark's counting model (``bench/split.counted``, which projects the split
of 10 M contributors) writes what the job writes: the same items and write units per
table as a run of the job, counted by botocore hooks."""

from __future__ import annotations

from bench import split


def test_the_counting_model_writes_what_the_job_writes(aws):
    summary, calls, run, _, _ = split.run_job(600, 30)
    from functions.core.flattrs import shards_of

    contributors, _, model = split.counted(split.synthetic_flattrs(600, 30), shards_of(split.MONTH))
    assert contributors == summary.report()["contributors"] == 30
    for table in ("ledger", "escrow"):
        assert (model.items[table], model.units[table]) == (run.items[table], run.units[table])
    assert run.units["escrow"] > 0 and run.units["ledger"] > 0
    transactions = sum(1 for kind, _ in model.requests if kind == "TransactWriteItems")
    assert transactions == calls["TransactWriteItems"]
