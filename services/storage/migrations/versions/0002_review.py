"""review items and decisions (services.review)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:40:36.663465
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("record_id", sa.String(length=40), nullable=False),
        sa.Column("item_key", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("agency", sa.String(length=300), nullable=True),
        sa.Column("report_year", sa.Integer(), nullable=True),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("reason_kind", sa.String(length=32), nullable=False),
        sa.Column("reason_kinds", sa.String(length=200), nullable=False),
        sa.Column("field_json", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("snippet_start", sa.Integer(), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("since_lock_version", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "item_key", name="uq_review_items_key"),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_items_agency"), ["agency"], unique=False)
        batch_op.create_index("ix_review_items_queue", ["state", "queued_at", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_items_reason_kind"), ["reason_kind"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_items_record_id"), ["record_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_items_report_year"), ["report_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_items_table_name"), ["table_name"], unique=False
        )

    op.create_table(
        "review_decisions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("record_id", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("reviewer_key_id", sa.String(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("confidence_before", sa.Float(), nullable=True),
        sa.Column("reason_kind", sa.String(length=32), nullable=True),
        sa.Column("value_changed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_items.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_decisions_decided_at"), ["decided_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_decisions_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_decisions_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decisions_record_id"))
        batch_op.drop_index(batch_op.f("ix_review_decisions_item_id"))
        batch_op.drop_index(batch_op.f("ix_review_decisions_decided_at"))

    op.drop_table("review_decisions")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_items_table_name"))
        batch_op.drop_index(batch_op.f("ix_review_items_report_year"))
        batch_op.drop_index(batch_op.f("ix_review_items_record_id"))
        batch_op.drop_index(batch_op.f("ix_review_items_reason_kind"))
        batch_op.drop_index("ix_review_items_queue")
        batch_op.drop_index(batch_op.f("ix_review_items_agency"))

    op.drop_table("review_items")
