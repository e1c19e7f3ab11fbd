"""${message}

(${up_revision}, after ${down_revision | comma,n}, ${create_date})
"""

from alembic import op
import sqlalchemy as sa
import issuer.models.base
${imports if imports else ""}

revision, down_revision, branch_labels, depends_on = ${repr(up_revision)}, ${repr(down_revision)}, ${repr(branch_labels)}, ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
