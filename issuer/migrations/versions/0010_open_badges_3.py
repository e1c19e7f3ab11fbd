"""open badges 3.0 (0010, after 0009, 2026-12-04): Ed25519 keys, status lists, each award's credential"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import create_table, foreign_key, moment, partial_index

revision, down_revision, branch_labels, depends_on = "0010", "0009", None, None


def upgrade() -> None:
    # Public halves of the structures' Ed25519 keys (their did:web); private halves are files.
    create_table(
        "ob3_keys",
        sa.Column("kid", sa.String(length=40), nullable=False),
        sa.Column("public_multibase", sa.String(length=100), nullable=False),
        moment("created_at"),
        moment("retired_at", nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("ob3_keys", "structure_id", "structures"),
        unique=("kid",),
    )
    # Each structure's Bitstring Status List (revocation), and its signed credential.
    create_table(
        "ob3_status_lists",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(length=64), nullable=False),
        moment("updated_at"),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("ob3_status_lists", "structure_id", "structures"),
        sa.UniqueConstraint("structure_id", "number", name="uq_ob3_status_lists_number"),
    )
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        partial_index(
            batch_op,
            "uq_assertions_status_index",
            ["structure_id", "status_index"],
            "status_index IS NOT NULL",
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.drop_index("uq_assertions_status_index")
        batch_op.drop_column("status_index")
        batch_op.drop_column("credential")
    op.drop_table("ob3_status_lists")
    op.drop_table("ob3_keys")
