"""notifications name the task they are about (issue 18: every notice links to its object)

Revision ID: a18c0e5d7f21
Revises: a14e0d1f0c7b
Create Date: 2026-12-01 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a18c0e5d7f21'
down_revision = 'c17e0a1d2f3b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_task_id_tasks'), 'tasks',
                                    ['task_id'], ['id'])


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_task_id_tasks'), type_='foreignkey')
        batch_op.drop_column('task_id')
