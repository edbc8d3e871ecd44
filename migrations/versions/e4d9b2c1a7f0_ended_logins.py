"""one login can be ended alone: its logout records its login id (issue 13, finding 4)

Revision ID: e4d9b2c1a7f0
Revises: a18c0e5d7f21
Create Date: 2026-12-01 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.db


# revision identifiers, used by Alembic.
revision = 'e4d9b2c1a7f0'
down_revision = 'a18c0e5d7f21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ended_logins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('login_id', sa.String(length=16), nullable=False),
        sa.Column('ended_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ended_logins_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ended_logins')),
        sa.UniqueConstraint('user_id', 'login_id', name=op.f('uq_ended_logins_user_id_login_id')),
    )
    with op.batch_alter_table('ended_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_logins_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ended_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_logins_user_id'))
    op.drop_table('ended_logins')
