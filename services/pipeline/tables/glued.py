"""Split glued digit runs (`713000074`) into a row's cells, bounded so it never explodes.

A row's cells are a few tokens; a token with two or more digits may hold several glued cells.
`splits` enumerates every way to cut the runs into exactly `ncols` printed numbers: each cut
piece is `0` or has no leading zero and is at most as long as its column allows (`widths`:
`MAX_PIECE_DIGITS` for counts, more for amounts in 元; a whole, uncut run may be longer), and
every `SumRule` holds (`total` = sum of the `parts`).

Pruning: a rule's total column is not searched (its digits must spell the sum); when the row's
last cell is a total, each tail of the last run is tried as that total first, and the other
cells are searched knowing what they must add up to (`_total_first`); columns where no rule
spans across start independent sub-problems, solved once per position (`_Walk`). Every node
spends from a budget shared by the whole document; when it runs out the answer says so
(`complete=False`) and the caller stops trusting it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from services.pipeline.tables.tokens import Token

MAX_PIECE_DIGITS = 7


@dataclass(slots=True, eq=False)
class Piece:
    """One cell's reading: its value and the characters that print it."""

    value: int | float | None
    start: int
    end: int
    blank: bool = False  # an empty `|` cell (no characters)
    placeholder: bool = False  # `-`, `/`, `无`


Split = tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class SumRule:
    parts: tuple[int, ...]  # column indices that add up ...
    total: int  # ... to this column (after every part)


@dataclass(slots=True)
class Budget:
    """Search nodes left for one document."""

    nodes: int

    def spend(self) -> bool:
        self.nodes -= 1
        return self.nodes >= 0


@dataclass(frozen=True, slots=True)
class Search:
    splits: list[Split]
    complete: bool  # False: the budget or the solution cap cut the enumeration short


def piece_of(token: Token) -> Piece:
    """A token read as one whole cell."""
    if token.kind == "blank":
        return Piece(None, token.start, token.end, blank=True)
    return Piece(token.value, token.start, token.end, placeholder=token.placeholder)


def splits(
    cells: Sequence[Token],
    ncols: int,
    rules: Sequence[SumRule],
    budget: Budget,
    max_solutions: int = 400,
    widths: Sequence[int] | None = None,
) -> Search:
    """Every reading of `cells` as `ncols` cells that satisfies `rules` (up to the caps).

    `widths[c]`: the most digits a piece cut for column `c` may have (default 7 for all).
    """
    if not cells or ncols <= 0 or len(cells) > ncols:
        return Search([], True)
    limits = tuple(widths) if widths is not None else (MAX_PIECE_DIGITS,) * ncols
    last = next((r for r in rules if r.total == ncols - 1), None)
    if last is not None and cells[-1].cuttable and ncols > 1:
        others = tuple(r for r in rules if r is not last)
        return _total_first(cells, ncols, others, last, budget, max_solutions, limits)
    walk = _Walk(cells, ncols, rules, budget, max_solutions, limits)
    walk.run()
    return Search(walk.found, walk.complete)


def _total_first(
    cells: Sequence[Token],
    ncols: int,
    rules: Sequence[SumRule],
    last: SumRule,
    budget: Budget,
    max_solutions: int,
    widths: tuple[int, ...],
) -> Search:
    """The row's last cell totals others: try each tail of the last run as that total, then
    search the other cells knowing what they must add up to (the `713000074` case)."""
    token = cells[-1]
    digits = token.digits
    found: list[Split] = []
    widest = widths[ncols - 1]
    sizes = list(range(1, min(len(digits), widest) + 1))
    if len(digits) > widest:
        sizes.append(len(digits))  # the run may be the total alone, uncut
    for size in sizes:
        tail = digits[len(digits) - size :]
        if len(tail) > 1 and tail[0] == "0":
            continue
        head_len = len(digits) - size
        head = list(cells[:-1])
        if head_len:
            head.append(_head_token(token, head_len))
        if not head:
            continue
        total = int(tail)
        if head_len == 0 and isinstance(token.value, int) and token.value < 0:
            total = -total
        start = token.start if head_len == 0 else token.digits_start + head_len
        piece = Piece(total, start, token.end)
        bound = (frozenset(last.parts), total)
        walk = _Walk(head, ncols - 1, rules, budget, max_solutions - len(found), widths, bound)
        walk.run()
        found.extend((*split, piece) for split in walk.found)
        if not walk.complete:
            return Search(found, False)
    return Search(found, True)


def _head_token(token: Token, size: int) -> Token:
    """The first `size` digits of a run (sign kept, unit dropped), as a token of its own."""
    head = token.digits[:size]
    sign = -1 if isinstance(token.value, int) and token.value < 0 else 1
    end = token.digits_start + size
    return replace(token, end=end, value=sign * int(head), digits=head)


class _Walk:
    """Place columns left to right, token by token, digit by digit.

    Columns where no identity spans across (the start of each 复议/诉讼 group) begin independent
    sub-problems: their completions are computed once per position and reused, which makes the
    search a small dynamic programme instead of a product of the groups' choices.
    """

    def __init__(
        self,
        cells: Sequence[Token],
        ncols: int,
        rules: Sequence[SumRule],
        budget: Budget,
        max_solutions: int,
        widths: tuple[int, ...],
        bound: tuple[frozenset[int], int] | None = None,
    ) -> None:
        self.cells = cells
        self.ncols = ncols
        self.widths = widths
        self.budget = budget
        self.max_solutions = max_solutions
        self.rule_at: dict[int, SumRule] = {r.total: r for r in rules if r.total < ncols}
        # Columns whose values must add up to a known total (the total-first search).
        self.bound_parts, self.bound_total = bound if bound else (frozenset(), 0)
        self.bound_sum = 0
        self.bound_unknown = 0
        self.complete = True
        self.found: list[Split] = []
        # The most cells the tokens from index i on can still give.
        self.max_after = [0] * (len(cells) + 1)
        for i in range(len(cells) - 1, -1, -1):
            self.max_after[i] = self.max_after[i + 1] + max(1, len(cells[i].digits))
        spans = [(min((*r.parts, r.total)), r.total) for r in rules]
        if self.bound_parts:
            spans.append((min(self.bound_parts), max(self.bound_parts)))
        self.fresh_starts = {
            c for c in range(1, ncols) if not any(lo < c <= hi for lo, hi in spans)
        }
        self.memo: dict[tuple[int, int, int], list[Split]] = {}
        self.pieces: list[Piece] = []

    def run(self) -> None:
        if self.max_solutions <= 0:
            self.complete = False
            return
        if len(self.cells) <= self.ncols <= self.max_after[0]:
            self.found = self._complete(0, 0)[: self.max_solutions]

    def _complete(self, index: int, offset: int) -> list[Split]:
        """Every way to fill the remaining columns from token `index`, digit `offset` on."""
        col = len(self.pieces)
        if index == len(self.cells):
            return [()] if col == self.ncols and self._bound_met() else []
        if col == self.ncols or not self.complete:
            return []
        key = (col, index, offset)
        if col in self.fresh_starts and key in self.memo:
            return self.memo[key]
        self.budget.nodes -= 1
        if self.budget.nodes < 0:
            self.complete = False
            return []
        out: list[Split] = []
        for piece, next_index, next_offset in self._choices(col, index, offset):
            for tail in self._after(col, piece, next_index, next_offset):
                out.append((piece, *tail))
            if len(out) >= self.max_solutions:
                self.complete = False
                break
        if col in self.fresh_starts:
            self.memo[key] = out
        return out

    def _choices(self, col: int, index: int, offset: int) -> list[tuple[Piece, int, int]]:
        """The pieces column `col` may take here, with where the next column would start."""
        token = self.cells[index]
        if not token.cuttable:
            whole = piece_of(token)
            return [(whole, index + 1, 0)] if self._fits(col, whole.value) else []
        left = len(token.digits) - offset
        cols_after = self.ncols - col - 1
        cells_after = len(self.cells) - index - 1
        out: list[tuple[Piece, int, int]] = []
        for size in self._sizes(col, token, offset):
            rest = left - size
            # The columns after this one must fit what the rest of the run and later tokens give.
            if (
                not (1 if rest else 0) + cells_after
                <= cols_after
                <= rest + self.max_after[index + 1]
            ):
                continue
            piece = self._piece(token, offset, size)
            if piece is not None and self._fits(col, piece.value):
                out.append((piece, index if rest else index + 1, offset + size if rest else 0))
        return out

    def _after(self, col: int, piece: Piece, index: int, offset: int) -> list[Split]:
        counted = col in self.bound_parts
        value = piece.value if isinstance(piece.value, int) else None
        if counted:
            self._count(value, 1)
        self.pieces.append(piece)
        tails = self._complete(index, offset)
        self.pieces.pop()
        if counted:
            self._count(value, -1)
        return tails

    def _count(self, value: int | None, sign: int) -> None:
        if value is None:
            self.bound_unknown += sign  # a blank part: the total cannot be checked
        else:
            self.bound_sum += sign * value

    def _sizes(self, col: int, token: Token, offset: int) -> Sequence[int]:
        digits = token.digits
        left = len(digits) - offset
        widest = self.widths[col] if col < len(self.widths) else MAX_PIECE_DIGITS
        longest = min(left, widest)
        rule = self.rule_at.get(col)
        if rule is not None:
            wanted = self._rule_sum(rule)
            if wanted is not None:
                text = str(abs(wanted))
                return (len(text),) if digits.startswith(text, offset) else ()
        if col in self.bound_parts:
            room = self.bound_total - self.bound_sum
            if room < 0:
                return ()
            longest = min(longest, len(str(room)))
        elif offset == 0 and left > widest:
            return (*range(1, longest + 1), left)  # the whole run uncut, or cut pieces
        return range(1, longest + 1)

    def _piece(self, token: Token, offset: int, size: int) -> Piece | None:
        digits = token.digits
        if size > 1 and digits[offset] == "0":
            return None
        value = int(digits[offset : offset + size])
        if offset == 0 and isinstance(token.value, int) and token.value < 0:
            value = -value
        start = token.start if offset == 0 else token.digits_start + offset
        end = token.end if offset + size == len(digits) else token.digits_start + offset + size
        return Piece(value, start, end)

    def _rule_sum(self, rule: SumRule) -> int | None:
        total = 0
        for part in rule.parts:
            value = self.pieces[part].value if part < len(self.pieces) else None
            if not isinstance(value, int):
                return None
            total += value
        return total

    def _fits(self, col: int, value: int | float | None) -> bool:
        over = isinstance(value, int) and self.bound_sum + value > self.bound_total
        if col in self.bound_parts and over:
            return False
        rule = self.rule_at.get(col)
        if rule is None or value is None:
            return True
        wanted = self._rule_sum(rule)
        return wanted is None or value == wanted

    def _bound_met(self) -> bool:
        return not self.bound_parts or self.bound_unknown > 0 or self.bound_sum == self.bound_total


Plausibility = Callable[[Split], float]


def most_plausible(options: Sequence[Split], extra: Plausibility | None = None) -> Split:
    """The reading a person would guess first: balanced widths, zeros as zeros.

    Lower cost wins: the sum of squared digit counts favours even widths (`3960181` reads
    396·0·181 rather than 3·9·60181) and a zero cell is cheap (most cells of these tables are 0).
    Ties go to the reading with the wider first cells (自然人 and 上一年 carry the big numbers).
    """

    def cost(split: Split) -> tuple[float, tuple[int, ...]]:
        total = 0.0
        widths: list[int] = []
        for piece in split:
            width = len(str(abs(piece.value))) if isinstance(piece.value, int) else 1
            widths.append(-width)
            total += width * width - (3.0 if piece.value == 0 else 0.0)
        if extra is not None:
            total += extra(split)
        return total, tuple(widths)

    return min(options, key=cost)
