"""Which label owns which cells: values below or above their labels, and where ownership stops."""

from __future__ import annotations

from services.pipeline.tables.requests import VOCAB
from services.pipeline.tables.rows import assign, blocks_of
from services.pipeline.tables.tokens import tokenise


def owners(text: str) -> tuple[str, dict[str, list[str]]]:
    blocks = blocks_of(text, tokenise(text), VOCAB)
    layout, rows, _ = assign(blocks, lambda label: 7 if label.role == "row" else None)
    return layout, {
        row.label.key or row.label.role or "": [text[t.start : t.end] for t in row.cells]
        for row in rows
    }


def test_values_below_their_labels() -> None:
    layout, rows = owners("(一)予以公开\n1 0 0 0 0 0 1\n(二)部分公开\n2 0 0 0 0 0 2\n")
    assert layout == "below"
    assert rows == {
        "granted": ["1", "0", "0", "0", "0", "0", "1"],
        "partially_granted": ["2", "0", "0", "0", "0", "0", "2"],
    }


def test_values_above_their_labels() -> None:
    layout, rows = owners("1 0 0 0 0 0 1\n(一)予以公开\n2 0 0 0 0 0 2\n(二)部分公开\n")
    assert layout == "above"
    assert rows["granted"][0] == "1" and rows["partially_granted"][0] == "2"


def test_a_group_cell_beside_its_first_row_is_no_owner() -> None:
    _, rows = owners("(三)不予公开\n1.属于国家秘密\n3 0 0 0 0 0 3\n")
    assert list(rows) == ["denied_state_secret"]
    _, rows = owners(
        "3 0 0 0 0 0 3\n(三)不予公开 1.属于国家秘密\n4 0 0 0 0 0 4\n2.其他法律行政法规禁止公开\n"
    )
    assert rows["denied_state_secret"][0] == "3"


def test_a_header_or_the_next_heading_ends_ownership() -> None:
    text = "四、结转下年度继续办理\n1 0 0 0 0 0 1\n四、政府信息公开行政复议、行政诉讼情况\n行政复议\n000000000000000\n"
    layout, rows = owners(text)
    assert layout == "below"
    assert rows == {"carried_forward": ["1", "0", "0", "0", "0", "0", "1"]}


def test_junk_between_a_label_and_its_cells_is_skipped() -> None:
    _, rows = owners("(一)予以公开\n本栏目信息由办公室负责维护\n1 0 0 0 0 0 1\n")
    assert rows == {"granted": ["1", "0", "0", "0", "0", "0", "1"]}
