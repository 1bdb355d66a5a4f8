"""interviews: tags and the codebook, transcripts, session drafts, consent scopes

Observation.tags (a JSON list of tag names or "A/B" paths) becomes rows of `tags` linked through
`observation_tags`; the JSON column is dropped.

Revision ID: 0004
Revises: 0001
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("codable", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tags.id"], name=op.f("fk_tags_parent_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("key", name=op.f("uq_tags_key")),
    )
    op.create_index("ix_tags_parent", "tags", ["parent_id"], unique=False)
    op.create_table(
        "observation_tags",
        sa.Column("observation_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observations.id"],
            name=op.f("fk_observation_tags_observation_id_observations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name=op.f("fk_observation_tags_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("observation_id", "tag_id", name=op.f("pk_observation_tags")),
    )
    op.create_index("ix_observation_tags_tag", "observation_tags", ["tag_id"], unique=False)
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["interview_sessions.id"],
            name=op.f("fk_transcripts_session_id_interview_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcripts")),
    )
    op.create_table(
        "transcript_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transcript_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=60), nullable=True),
        sa.Column("start_seconds", sa.Double(), nullable=True),
        sa.Column("end_seconds", sa.Double(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transcript_id"],
            ["transcripts.id"],
            name=op.f("fk_transcript_turns_transcript_id_transcripts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_turns")),
        sa.UniqueConstraint(
            "transcript_id", "position", name=op.f("uq_transcript_turns_transcript_id_position")
        ),
    )
    op.create_table(
        "session_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("interview_session_id", sa.Integer(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_session_id"],
            ["interview_sessions.id"],
            name=op.f("fk_session_drafts_interview_session_id_interview_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iterations.id"],
            name=op.f("fk_session_drafts_iteration_id_iterations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_session_drafts_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_drafts")),
        sa.UniqueConstraint("key", name=op.f("uq_session_drafts_key")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("metrics", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.alter_column("metrics", server_default=None)
        batch_op.alter_column("contact", server_default=None)

    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("first_turn", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_turn", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_observations_transcript_id_transcripts"),
            "transcripts",
            ["transcript_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Read the JSON tags first: on SQLite, rebuilding `observations` (batch mode) with foreign keys
    # on would cascade-delete any observation_tags rows written before it.
    old_tags = _old_tags()
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_column("tags")
    _tags_to_rows(old_tags)


def _old_tags() -> list[tuple[int, list]]:
    observations = sa.table("observations", sa.column("id", sa.Integer), sa.column("tags", sa.JSON))
    rows = op.get_bind().execute(sa.select(observations.c.id, observations.c.tags)).all()
    return [(row[0], row[1]) for row in rows if row[1]]


def _tags_to_rows(old_tags: list[tuple[int, list]]) -> None:
    """Each distinct tag path in observations.tags becomes a chain of `tags` rows, linked."""
    bind = op.get_bind()
    tags = sa.table(
        "tags",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("colour", sa.String),
        sa.column("codable", sa.Boolean),
        sa.column("position", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    links = sa.table(
        "observation_tags", sa.column("observation_id", sa.Integer), sa.column("tag_id", sa.Integer)
    )
    known: dict[tuple[int | None, str], int] = {}
    pairs: set[tuple[int, int]] = set()
    now = dt.datetime.now(dt.UTC)
    for observation_id, value in old_tags:
        for path in value if isinstance(value, list) else []:
            names = [" ".join(str(n).split())[:100] for n in str(path).split("/")]
            parent: int | None = None
            for name in (n for n in names if n):
                found = known.get((parent, name.casefold()))
                if found is None:
                    found = bind.execute(
                        tags.insert()
                        .values(
                            key=str(uuid.uuid4()),
                            parent_id=parent,
                            name=name,
                            description="",
                            colour=None,
                            codable=True,
                            position=len(known),
                            created_at=now,
                        )
                        .returning(tags.c.id)
                    ).scalar_one()
                    known[(parent, name.casefold())] = found
                parent = found
            if parent is not None:
                pairs.add((observation_id, parent))
    if pairs:
        bind.execute(links.insert(), [{"observation_id": o, "tag_id": t} for o, t in sorted(pairs)])


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_observations_transcript_id_transcripts"), type_="foreignkey"
        )
        batch_op.drop_column("last_turn")
        batch_op.drop_column("first_turn")
        batch_op.drop_column("transcript_id")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_column("contact")
        batch_op.drop_column("metrics")
    op.drop_table("session_drafts")
    op.drop_table("transcript_turns")
    op.drop_table("transcripts")
    op.drop_index("ix_observation_tags_tag", table_name="observation_tags")
    op.drop_table("observation_tags")
    op.drop_index("ix_tags_parent", table_name="tags")
    op.drop_table("tags")
