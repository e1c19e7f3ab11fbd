"""discord (0012, after 0011, 2026-12-04): each structure's Discord application and linked server, the
Discord ids of its mediators and young people, the one-time codes that link them, the awards waiting
to be claimed, and the signatures already seen"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import create_table, foreign_key
from issuer.models.base import UTCDateTime

revision, down_revision, branch_labels, depends_on = "0012", "0011", None, None


def upgrade() -> None:
    create_table(
        "discord_apps",
        sa.Column("application_id", sa.String(length=20), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("guild_id", sa.String(length=20), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("discord_apps", "updated_by_id", "users", ondelete="SET NULL"),
        foreign_key("discord_apps", "structure_id", "structures"),
        unique=("application_id", "guild_id", "structure_id"),
    )
    create_table(
        "discord_members",
        sa.Column("discord_user_id", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("discord_members", "user_id", "users", ondelete="CASCADE"),
        foreign_key("discord_members", "structure_id", "structures"),
        sa.UniqueConstraint("structure_id", "discord_user_id", name="uq_discord_members_structure_id"),
        indexed=("user_id",),
    )
    create_table(
        "discord_link_codes",
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("discord_link_codes", "user_id", "users", ondelete="CASCADE"),
        foreign_key("discord_link_codes", "structure_id", "structures"),
        unique=("code_digest",),
        indexed=("user_id",),
    )
    create_table(
        "discord_learners",
        sa.Column("discord_user_id", sa.String(length=20), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("discord_learners", "learner_id", "learners", ondelete="CASCADE"),
        foreign_key("discord_learners", "structure_id", "structures"),
        sa.UniqueConstraint("structure_id", "discord_user_id", name="uq_discord_learners_structure_id"),
        indexed=("learner_id",),
    )
    create_table(
        "discord_pending_awards",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("discord_user_id", sa.String(length=20), nullable=False),
        sa.Column("skill_id", sa.String(length=80), nullable=False),
        sa.Column("evidence_narrative", sa.Text(), nullable=False),
        sa.Column("evidence_game", sa.String(length=160), nullable=False),
        sa.Column("awarded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("assertion_uid", sa.String(length=36), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("discord_pending_awards", "awarded_by_id", "users", ondelete="SET NULL"),
        foreign_key("discord_pending_awards", "structure_id", "structures"),
        unique=("uid", "code_digest"),
        indexed=("discord_user_id",),
    )
    create_table(
        "discord_seen",
        sa.Column("signature_digest", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        unique=("signature_digest",),
        indexed=("seen_at",),
    )


def downgrade() -> None:
    for table in (
        "discord_seen",
        "discord_pending_awards",
        "discord_learners",
        "discord_link_codes",
        "discord_members",
        "discord_apps",
    ):
        op.drop_table(table)
