"""themes: what the analysis found beside what researchers curated, analysis runs, edit history

`themes` gains `auto_label`, `terms`, `stance`, `split_from_id` and `updated_at`;
`theme_members` an index by iteration; new tables `theme_analyses` (one row a run of the analysis
over an iteration) and `theme_edits` (the curation history).

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_label", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("terms", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("stance", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("split_from_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.text("CURRENT_TIMESTAMP"),
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_themes_split_from_id_themes"),
            "themes",
            ["split_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("theme_members", schema=None) as batch_op:
        batch_op.create_index("ix_theme_members_iteration", ["iteration_id", "theme_id"])

    op.create_table(
        "theme_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        sa.Column("clustered", sa.Integer(), nullable=False),
        sa.Column("unclassified", sa.Integer(), nullable=False),
        sa.Column("new_themes", sa.Integer(), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iterations.id"],
            name=op.f("fk_theme_analyses_iteration_id_iterations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_analyses")),
    )
    op.create_index(
        "ix_theme_analyses_iteration", "theme_analyses", ["iteration_id", "id"], unique=False
    )
    op.create_table(
        "theme_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prototype_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("other_theme_id", sa.Integer(), nullable=True),
        sa.Column("iteration_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["prototype_id"],
            ["prototypes.id"],
            name=op.f("fk_theme_edits_prototype_id_prototypes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_edits_theme_id_themes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["other_theme_id"],
            ["themes.id"],
            name=op.f("fk_theme_edits_other_theme_id_themes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iterations.id"],
            name=op.f("fk_theme_edits_iteration_id_iterations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_edits")),
    )
    op.create_index("ix_theme_edits_prototype", "theme_edits", ["prototype_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_theme_edits_prototype", table_name="theme_edits")
    op.drop_table("theme_edits")
    op.drop_index("ix_theme_analyses_iteration", table_name="theme_analyses")
    op.drop_table("theme_analyses")
    with op.batch_alter_table("theme_members", schema=None) as batch_op:
        batch_op.drop_index("ix_theme_members_iteration")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_themes_split_from_id_themes", type_="foreignkey")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("split_from_id")
        batch_op.drop_column("stance")
        batch_op.drop_column("terms")
        batch_op.drop_column("auto_label")
