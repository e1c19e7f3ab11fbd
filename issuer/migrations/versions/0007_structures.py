"""structures: a network of structures on one instance; the existing one becomes the first, URLs unchanged

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import issuer.models.base
from issuer.migrations.helpers import foreign_key, partial_index

revision, down_revision, branch_labels, depends_on = "0007", "0006", None, None

# Every table whose rows belong to one structure; all existing rows go to the first one (id 1).
OWNED = ("issuer_profile", "signing_keys", "learners", "game_sessions", "badge_class_versions", "assertions")
FIRST = 1


def _own(table: str, *, nullable: bool = False) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("structure_id", sa.Integer(), nullable=True))
    op.execute(sa.text(f"UPDATE {table} SET structure_id = {FIRST}"))
    with op.batch_alter_table(table) as batch:
        if not nullable:
            batch.alter_column("structure_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            f"fk_{table}_structure_id_structures", "structures", ["structure_id"], ["id"]
        )


def upgrade() -> None:
    op.create_table(
        "structures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_structures"),
        sa.UniqueConstraint("slug", name="uq_structures_slug"),
    )
    # The first structure takes the issuer's name; its badges keep URLs without a /s/<slug> prefix.
    conn = op.get_bind()
    name = conn.execute(sa.text("SELECT name FROM issuer_profile ORDER BY id LIMIT 1")).scalar()
    conn.execute(
        sa.text(
            "INSERT INTO structures (id, slug, name, created_at) VALUES (:id, 'principale', :name, :now)"
        ),
        {"id": FIRST, "name": (name or "Structure principale")[:200], "now": _now()},
    )
    if conn.dialect.name == "postgresql":  # the next structure must not reuse id 1
        op.execute(sa.text("SELECT setval(pg_get_serial_sequence('structures', 'id'), 1)"))

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("allowed_skills", sa.Text(), nullable=False),
        sa.Column("allowed_sessions", sa.Text(), nullable=False),
        sa.Column("created_at", issuer.models.base.UTCDateTime(), nullable=False),
        foreign_key("memberships", "structure_id", "structures", ondelete="CASCADE"),
        foreign_key("memberships", "user_id", "users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint("user_id", "structure_id", name="uq_memberships_user_id"),
    )
    op.create_index("ix_memberships_structure_id", "memberships", ["structure_id"], unique=False)
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"], unique=False)
    # Each account keeps its role, now in the first structure; administrators also run the network.
    op.execute(
        sa.text(
            "INSERT INTO memberships (user_id, structure_id, role, allowed_skills, allowed_sessions, created_at) "
            f"SELECT id, {FIRST}, role, '[]', '[]', created_at FROM users"
        )
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("network_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE users SET network_admin = (role = 'admin')"))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("network_admin", existing_type=sa.Boolean(), server_default=None)
        batch.drop_column("role")

    for table in OWNED:
        _own(table)
    _own("audit_events", nullable=True)

    # A BadgeClass's issuer is its structure: versions are numbered per structure.
    with op.batch_alter_table("badge_class_versions") as batch:
        batch.drop_constraint("uq_badge_class_versions_skill_id", type_="unique")
        batch.drop_constraint("uq_badge_class_versions_skill_digest", type_="unique")
        batch.create_unique_constraint(
            "uq_badge_class_versions_skill_version", ["structure_id", "skill_id", "version"]
        )
        batch.create_unique_constraint(
            "uq_badge_class_versions_skill_digest", ["structure_id", "skill_id", "digest"]
        )
    # The revocation list counts one structure's revoked badges from the index alone.
    with op.batch_alter_table("assertions") as batch:
        batch.drop_index("ix_assertions_revoked_at")
        batch.create_index("ix_assertions_revoked_at", ["revoked_at", "structure_id"], unique=False)
        batch.drop_index("ix_assertions_learner_id_revoked_at")
        batch.create_index(
            "ix_assertions_learner_id_revoked_at", ["learner_id", "revoked_at", "structure_id"], unique=False
        )
    # The learner list walks one structure's records in name order.
    with op.batch_alter_table("learners") as batch:
        batch.drop_index("ix_learners_listing")
        partial_index(batch, "ix_learners_listing", ["structure_id", "search_key", "id"], "erased_at IS NULL")


def _now() -> object:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def downgrade() -> None:
    # Only a single-structure instance can go back: the others' rows would lose their owner.
    conn = op.get_bind()
    if conn.execute(sa.text(f"SELECT count(*) FROM structures WHERE id <> {FIRST}")).scalar():
        raise RuntimeError("Impossible de revenir avant 0007 : l'instance compte plusieurs structures.")
    with op.batch_alter_table("learners") as batch:
        batch.drop_index("ix_learners_listing")
        partial_index(batch, "ix_learners_listing", ["search_key", "id"], "erased_at IS NULL")
    with op.batch_alter_table("assertions") as batch:
        batch.drop_index("ix_assertions_revoked_at")
        batch.create_index("ix_assertions_revoked_at", ["revoked_at"], unique=False)
        batch.drop_index("ix_assertions_learner_id_revoked_at")
        batch.create_index("ix_assertions_learner_id_revoked_at", ["learner_id", "revoked_at"], unique=False)
    with op.batch_alter_table("badge_class_versions") as batch:
        batch.drop_constraint("uq_badge_class_versions_skill_version", type_="unique")
        batch.drop_constraint("uq_badge_class_versions_skill_digest", type_="unique")
        batch.create_unique_constraint("uq_badge_class_versions_skill_id", ["skill_id", "version"])
        batch.create_unique_constraint("uq_badge_class_versions_skill_digest", ["skill_id", "digest"])
    for table in (*OWNED, "audit_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_structure_id_structures", type_="foreignkey")
            batch.drop_column("structure_id")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default="mediator"))
    op.execute(
        sa.text(
            "UPDATE users SET role = COALESCE((SELECT m.role FROM memberships m WHERE m.user_id = users.id "
            f"AND m.structure_id = {FIRST}), 'mediator')"
        )
    )
    op.execute(sa.text("UPDATE users SET role = 'mediator' WHERE role = 'volunteer'"))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("role", existing_type=sa.String(length=16), server_default=None)
        batch.drop_column("network_admin")
    op.drop_table("memberships")
    op.drop_table("structures")
