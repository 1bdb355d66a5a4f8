"""surveys: response drafts kept across a reload until the citizen sends them

Revision ID: 0003
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "response_drafts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("others", sa.JSON(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_response_drafts_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_drafts")),
    )
    with op.batch_alter_table("response_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_response_drafts_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_response_drafts_expires_at")
    op.drop_table("response_drafts")
