"""Step 6 of the pipeline: parse the three standard tables.

Contract: `parse_tables(text, sections) -> Tables` over the normalised text. Each table is found
by its own anchors (row labels, header cells); the section hints only break ties. Every cell is
an `Extracted` with its span in `text`; a blank cell is `None`. Never raises on any input.

    templates.py   label vocabulary and template markers
    regions.py     where each table sits (anchor clusters → a window of text)
    tokens.py      a window → label text, numbers, blank cells
    labels.py      label text → row / group / header, joining wrapped lines
    rows.py        which label owns which cells (values below or above their labels)
    cells.py       a row's cells → one reading per column, with confidence
    glued.py       cutting glued digit runs, bounded
    scan.py        shared tokens for the tables' windows; template wording
    requests.py · reviews.py · proactive.py    the three tables
    template.py    2019 or 2021, from the labels
"""

from __future__ import annotations

from services.pipeline.model import Section, Tables
from services.pipeline.tables import proactive, requests, reviews
from services.pipeline.tables.glued import Budget
from services.pipeline.tables.regions import AnchorSet
from services.pipeline.tables.scan import TokenSource, scan, template_votes
from services.pipeline.tables.template import add_votes, decide, request_votes

# Search nodes for glued runs in one document: enough for every real table, bounded for garbage.
SEARCH_BUDGET = 300_000
_ANCHORS = AnchorSet((requests.ANCHORS, reviews.ANCHORS, proactive.ANCHORS))

__all__ = ["parse_tables"]


def parse_tables(text: str, sections: list[Section]) -> Tables:
    budget = Budget(SEARCH_BUDGET)
    where_requests, where_reviews, where_proactive = _ANCHORS.windows(text, sections)
    found = [w for w in (where_requests, where_reviews, where_proactive) if w is not None]
    source = TokenSource(text, found)
    tables = Tables()

    request_scan = scan(text, where_requests, source, requests.VOCAB) if where_requests else None
    rows_seen: set[str] = set()
    if request_scan is not None:
        parsed_requests = requests.parse_requests(text, request_scan, budget)
        tables.requests, rows_seen = parsed_requests.grid, parsed_requests.rows_seen
        tables.notes.extend(parsed_requests.notes)
    if where_reviews is not None:
        parsed_reviews = reviews.parse_reviews(text, source.within(where_reviews), budget)
        tables.reviews_litigation = parsed_reviews.grid
        tables.notes.extend(parsed_reviews.notes)

    proactive_scan = (
        scan(text, where_proactive, source, proactive.VOCAB) if where_proactive else None
    )
    blocks = [
        *(request_scan.blocks if request_scan else []),
        *(proactive_scan.blocks if proactive_scan else []),
    ]
    votes = add_votes(
        request_votes(rows_seen),
        template_votes(text, blocks),
        proactive.proactive_votes(text, proactive_scan) if proactive_scan else {},
    )
    template, confidence = decide(votes)
    if proactive_scan is not None:
        parsed = proactive.parse_proactive(text, proactive_scan, template, confidence, budget)
        tables.proactive = parsed.grid
        tables.notes.extend(parsed.notes)
        if template is None and parsed.grid:
            template, confidence = parsed.fitted_template, 0.6
    tables.template = template
    tables.template_confidence = confidence
    return tables
