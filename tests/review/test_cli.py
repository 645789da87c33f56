"""`ogi-extract calibration`: the table of confidence bands from the decisions in the database."""

from __future__ import annotations

import subprocess
import sys

from services.config import Settings
from services.review import service
from services.review.service import Action, Decision, Reviewer
from services.storage.repositories.review import QueueFilter
from tests.review.documents import make_record, report
from tests.support.processes import REPO


def _calibration(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli_service", "calibration", *args],
        cwd=REPO,
        env={
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": settings.database_url,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_calibration_prints_bands_from_the_decisions(settings: Settings) -> None:
    record_id = make_record(report())
    items = {
        i.path: i
        for i in service.queue(QueueFilter(record_id=record_id), after=None, limit=50).items
    }
    ann = Reviewer("ann", "key_ann")

    def decide(path: str, action: Action, value: object = None) -> None:
        item = items[path]
        lock = service.get_item(item.id).lock_version
        service.decide(item.id, Decision(action, lock, value=value), ann)

    decide("proactive.licensing.prior_items", "correct", 39)  # 0.20: wrong
    decide("proactive.licensing.decisions", "accept")  # 0.25: right
    decide("problems.0", "accept")  # 0.60: right
    decide("measures.0", "reject")  # 0.60: wrong
    result = _calibration(settings, "--bands", "0,0.5,1", "--target", "0.5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2].split() == ["0.00–0.50", "2", "1", "1", "0.50", "0.23"]
    assert lines[3].split() == ["0.50–1.00", "2", "1", "1", "0.50", "0.60"]
    assert "a review threshold of 0.00 fits the data" in result.stdout


def test_calibration_refuses_bad_bands(settings: Settings) -> None:
    result = _calibration(settings, "--bands", "0.5,0.2")
    assert result.returncode == 2 and "increasing" in result.stderr
