"""Hypothesis strategies that render valid and messy annual reports, with their oracles.

    values.py   table values that satisfy the templates' identities
    glue.py     brute-force splits of glued rows (which cells are inherently ambiguous)
    layout.py   flattened-table layouts (cell per line, `|`, rows on one line, values above)
    tables.py   the three tables in a layout, with strays, blanks and glued rows
    report.py   whole reports around them: `reports(features)` → `Report`
    messy.py    noisy variants (script, pinyin, junk lines, spacing, broken lines, digits)
                that remember which characters are noise
    oracle.py   the properties, as functions from (record, expectation) to failure messages

Every property test runs under `property_settings()`: derandomized (the same examples on every
run, so CI is reproducible), no example database, a per-example deadline. To explore further
locally, raise `max_examples` in `property_settings` for a run; do not commit that.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings

# Whole reports are large draws by nature; a slow example is the deadline's business.
_SUPPRESSED = (HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example)

settings.register_profile(
    "ogi",
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=5),
    suppress_health_check=_SUPPRESSED,
    print_blob=True,
)


def property_settings(max_examples: int, deadline_s: float = 5.0) -> settings:
    """The settings of one property: the `ogi` profile with its own example count."""
    return settings(
        settings.get_profile("ogi"),
        max_examples=max_examples,
        deadline=timedelta(seconds=deadline_s),
    )
