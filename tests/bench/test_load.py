"""bench/load.py's abusers: the pace they keep passes the API limit in one of the server's
fixed windows whatever the windows' alignment, and the report says so per abuser."""

from __future__ import annotations

from bench.load import Sample, abuser_rates, needed_rate, write_markdown

LIMIT, WINDOW, PHASE = 120, 60, 30.0


def _stream(rate: float, start: float, source: str = "127.9.1.10") -> list[Sample]:
    """Requests at a steady ``rate`` per second for PHASE seconds from wall time ``start``."""
    count = int(rate * PHASE)
    return [
        Sample("api-record", 200, 5.0, "abuse", True, source, start + n / rate)
        for n in range(count)
    ]


def test_the_needed_pace_passes_the_limit_at_any_window_alignment():
    rate = needed_rate(LIMIT, WINDOW, PHASE)
    for tenth in range(0, WINDOW * 10, 5):  # the phase starting anywhere in a window
        start = 1_800_000_000 + tenth / 10
        [row] = abuser_rates(_stream(rate, start), PHASE, LIMIT, WINDOW)
        assert row["exceeded"] and row["busiest_window"] > LIMIT, start


def test_a_slower_pace_can_miss_it_when_a_window_ends_mid_phase():
    rate = 0.9 * needed_rate(LIMIT, WINDOW, PHASE)
    midway = 1_800_000_000 - PHASE / 2  # the phase split in two equal halves
    [row] = abuser_rates(_stream(rate, midway), PHASE, LIMIT, WINDOW)
    assert not row["exceeded"] and row["busiest_window"] <= LIMIT
    assert row["per_minute"] > LIMIT  # well over 120 a minute on average, all the same


def test_the_report_states_each_abusers_rate(tmp_path):
    samples = _stream(10.0, 1_800_000_000, "127.9.1.10") + _stream(2.0, 1_800_000_000, "127.9.1.11")
    for sample in samples[LIMIT:300]:
        sample.status = 429
    rows = abuser_rates(samples, PHASE, LIMIT, WINDOW)
    assert [(r["source"], r["n"], r["per_minute"]) for r in rows] == [
        ("127.9.1.10", 300, 600.0),
        ("127.9.1.11", 60, 120.0),
    ]
    assert rows[0]["first_429_at_request"] == LIMIT + 1
    assert rows[0]["statuses"] == {"200": 120, "429": 180}
    doc = tmp_path / "performance.md"
    result = {
        "replies": 35,
        "clients": 5,
        "abusers": 2,
        "reader_rate": 60.0,
        "date": "2026-12-02",
        "command": "python bench/load.py",
        "commit": "abc",
        "server": "gunicorn",
        "loadavg_start": [0.1],
        "loadavg_end": [0.2],
        "summary": {"normal_errors": 0, "requests_per_s": 1.0},
        "abuse_s": PHASE,
        "abuser_connections": 4,
        "api_limit": LIMIT,
        "rate_window": WINDOW,
        "needed_per_minute": 60 * needed_rate(LIMIT, WINDOW, PHASE),
        "abusers_each": [{**r, "connections": 4} for r in rows],
    }
    write_markdown(doc, result)
    text = doc.read_text(encoding="utf-8")
    assert "| 127.9.1.10 | 4 | 300 | 600.0 | 300 | yes | 121 | 200: 120, 429: 180 |" in text
    assert "| 127.9.1.11 | 4 | 60 | 120.0 | 60 | **no** | — | 200: 60 |" in text
    assert "a pace of 484/min passes it" in text
