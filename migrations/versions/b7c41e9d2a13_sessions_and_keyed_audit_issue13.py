"""sessions that can be ended (users.session_nonce); who handed a period in
(occurrences.submitted_by_id); the audit chain keyed with HMAC

Revision ID: b7c41e9d2a13
Revises: ebb5548753ff
Create Date: 2026-12-01 20:30:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

from tracker.audit.rekey import rekey_chain, unkey_chain

revision = 'b7c41e9d2a13'
down_revision = 'ebb5548753ff'
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_nonce", sa.String))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_nonce=secrets.token_hex(16)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32),
                              nullable=False)
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_occurrences_submitted_by_id_users'), 'users',
                                    ['submitted_by_id'], ['id'])
    # Once: the chain from plain SHA-256 to HMAC with the key in instance/audit_key.
    rekey_chain(connection)


def downgrade():
    unkey_chain(op.get_bind())
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_occurrences_submitted_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('submitted_by_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
