"""Small helpers shared by the repositories."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Update
from sqlalchemy.orm import Session


def execute_dml(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE/DELETE and return how many rows it matched.

    The identity map is not synchronised: callers load objects after changing them.
    """
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return cast(CursorResult[Any], result).rowcount
