"""journeys: unique step keys per life event, screenshot size and iteration, decisions an iteration carries out

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_journey_steps_life_event_id_key"), ["life_event_id", "key"]
        )

    with op.batch_alter_table("prototype_screenshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("iteration_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_prototype_screenshots_iteration_id_iterations"),
            "iterations",
            ["iteration_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("iterations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decision_ids", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("iterations", schema=None) as batch_op:
        batch_op.alter_column("decision_ids", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("iterations", schema=None) as batch_op:
        batch_op.drop_column("decision_ids")

    with op.batch_alter_table("prototype_screenshots", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_prototype_screenshots_iteration_id_iterations"), type_="foreignkey"
        )
        batch_op.drop_column("iteration_id")
        batch_op.drop_column("height")
        batch_op.drop_column("width")

    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_journey_steps_life_event_id_key"), type_="unique"
        )
