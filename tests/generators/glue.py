"""Glued rows (`713000074`): every split a parser could defend, found by brute force.

A glued row prints a row's numbers with no separator. The only things that can split it are the
number of columns, "no leading zeros", and the template's identities. The generator uses these
functions to say which cells of a glued row are *inherently* ambiguous: more than one split
satisfies every identity a parser could use, so the value must go to review.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache

Split = tuple[int, ...]

# A glued row is only rendered when its candidates stay below these bounds, so the joint
# search over a table's glued rows stays exhaustive and fast.
MAX_ROW_CANDIDATES = 200
MAX_JOINT_ASSIGNMENTS = 2_000


def is_number(token: str) -> bool:
    """A printed non-negative integer: digits, no leading zero unless it is `0` itself."""
    return token.isdigit() and token.isascii() and (token == "0" or token[0] != "0")


def splits(digits: str, parts: int) -> list[Split]:
    """Every way to cut `digits` into `parts` printed numbers, in lexicographic cut order."""
    return list(_splits(digits, parts))


@cache
def _splits(digits: str, parts: int) -> tuple[Split, ...]:
    if parts == 1:
        return ((int(digits),),) if is_number(digits) else ()
    out: list[Split] = []
    for cut in range(1, len(digits) - parts + 2):
        head = digits[:cut]
        if not is_number(head):
            continue
        out.extend((int(head), *rest) for rest in _splits(digits[cut:], parts - 1))
    return tuple(out)


def splits_with_total(digits: str, parts: int) -> list[Split]:
    """Splits whose last number is the sum of the others (`total` = sum of the columns)."""
    out: list[Split] = []
    for cut in range(1, len(digits)):
        tail = digits[cut:]
        if not is_number(tail):
            continue
        total = int(tail)
        out.extend((*head, total) for head in _splits_summing(digits[:cut], parts - 1, total))
    return out


def _splits_summing(digits: str, parts: int, total: int) -> Iterator[Split]:
    """Splits of `digits` into `parts` numbers that add up to `total` (pruned by the sum)."""
    if parts == 1:
        if is_number(digits) and int(digits) == total:
            yield (total,)
        return
    longest = min(len(str(total)), len(digits) - parts + 1)
    for cut in range(1, longest + 1):
        head = digits[:cut]
        if not is_number(head) or int(head) > total:
            continue
        for rest in _splits_summing(digits[cut:], parts - 1, total - int(head)):
            yield (int(head), *rest)


def glue(values: Sequence[int]) -> str:
    return "".join(str(v) for v in values)


Assignment = dict[str, Split]  # glued row → the split assumed for it


def consistent_cell_values(
    candidates: Mapping[str, Sequence[Split]],
    columns: Mapping[str, Sequence[str]],
    consistent: Callable[[Assignment], bool],
) -> dict[tuple[str, str], frozenset[int]]:
    """For every glued cell, the values it takes over all joint splits that pass `consistent`.

    `candidates` gives each glued row's splits that pass its own row identity; `consistent`
    judges a whole assignment against identities that span rows (the 申请 columns).
    """
    rows = list(candidates)
    seen: dict[tuple[str, str], set[int]] = {
        (row, col): set() for row in rows for col in columns[row]
    }
    for combo in itertools.product(*(candidates[row] for row in rows)):
        assignment = dict(zip(rows, combo, strict=True))
        if not consistent(assignment):
            continue
        for row, split in assignment.items():
            for col, value in zip(columns[row], split, strict=True):
                seen[(row, col)].add(value)
    return {cell: frozenset(values) for cell, values in seen.items()}


def joint_size(candidates: Mapping[str, Sequence[Split]]) -> int:
    size = 1
    for options in candidates.values():
        size *= len(options)
    return size


def splits_with_group_totals(digits: str, groups: int, parts: int) -> list[Split]:
    """Splits into `groups` consecutive blocks of `parts` numbers, each block ending in its sum.

    The 复议/诉讼 row printed as one glued run: three blocks of (维持, 纠正, 其他, 未审结, 总计).
    Stops once more than `MAX_ROW_CANDIDATES` are found: callers treat that as "too many to glue".
    """
    if groups == 0:
        return [()] if digits == "" else []
    out: list[Split] = []
    for cut in range(parts, len(digits) - (groups - 1) * parts + 1):
        for head in splits_with_total(digits[:cut], parts):
            out.extend(
                (*head, *rest) for rest in splits_with_group_totals(digits[cut:], groups - 1, parts)
            )
            if len(out) > MAX_ROW_CANDIDATES:
                return out
    return out
