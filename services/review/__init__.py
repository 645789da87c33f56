"""Review of low-confidence fields: the queue, decisions, their history, and calibration.

    sync.py         review_items rebuilt from each record version (called where versions are
                    written: the job service, and decisions here)
    service.py      the use cases: queue pages, decide, add a list item, history, export
    decisions.py    what accept / correct / reject / add do to a record (pure)
    values.py       a corrected value checked against its field's type
    align.py        a list item's text located in the document
    reasons.py      the kind of a review reason (failed_identity, ambiguous_split, ...)
    calibration.py  confidence bands against decisions (pure)

The rules (docs/review.md): decisions apply to the record's current version and write a new
version (author: the reviewer's API key name); a decision names the lock_version it read, and a
stale one is applied only if its own item has not changed since, else refused (409).
"""
