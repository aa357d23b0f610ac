"""Which acknowledged transactions survived: classification and the two RPO figures, from a known log."""

from __future__ import annotations

import datetime as dt

from trustfabric.drills.database.commits import CommitLog, classify

T0 = dt.datetime(2026, 11, 2, 9, 0, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def log_of(*commits: tuple[int, float, float | None]) -> CommitLog:
    log = CommitLog()
    for entry, sent, acked in commits:
        log.record(entry, at(sent), None if acked is None else at(acked))
    return log


LOG = log_of((1, 0.0, 0.1), (2, 1.0, 1.1), (3, 2.0, 2.1), (4, 3.0, 3.1), (5, 4.0, None))


def test_nothing_missing_gives_a_zero_loss_window_and_the_gap_to_the_target() -> None:
    check = classify(LOG, {1: 2, 2: 2, 3: 2}, reference=at(2.5), target=True)

    assert (check.acknowledged, check.present, check.missing) == (3, 3, ())
    assert check.beyond_target == ()
    assert check.newest_recovered_at == at(2.1)
    assert check.recovered_gap_seconds == 0.4
    assert check.loss_window_seconds == 0.0


def test_acknowledged_transactions_missing_are_named_and_their_window_measured() -> None:
    check = classify(LOG, {1: 2, 2: 2}, reference=at(3.5), target=False)

    assert check.missing == (3, 4)
    assert check.acknowledged == 4
    assert check.loss_window_seconds == 2.0  # newest missing acknowledged at 3.1, last survivor at 1.1
    assert check.as_dict()["acknowledged_missing"] == 2


def test_a_restore_past_its_target_and_a_torn_entry_are_reported() -> None:
    check = classify(LOG, {1: 2, 2: 2, 3: 1, 4: 2}, reference=at(2.5), target=True)

    assert check.beyond_target == (4,)
    assert check.incomplete == (3,)
    assert check.missing == ()


def test_an_unacknowledged_commit_may_be_absent() -> None:
    check = classify(LOG, {1: 2, 2: 2, 3: 2, 4: 2}, reference=at(5.0), target=False)

    assert check.missing == ()
    assert check.sent == 5 and check.acknowledged == 4


def test_commits_sent_after_a_moment_exclude_one_in_flight_then_acknowledged() -> None:
    # entry 3 was sent at 2.0 and acknowledged at 2.1: a count of acknowledgements at 2.05 misses it, and it
    # must not pass for one begun after that moment either
    assert [c.entry_id for c in LOG.acknowledged(sent_after=at(2.05))] == [4]
    assert [c.entry_id for c in LOG.acknowledged(by=at(3.0), sent_after=at(0.5))] == [2, 3]
    assert LOG.acknowledged(sent_after=at(3.0)) == []
