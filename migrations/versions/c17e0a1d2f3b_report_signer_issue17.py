"""evaluation report: signer, accepted pending periods, closed ranking period, cap decisions

Revision ID: c17e0a1d2f3b
Revises: a14e0d1f0c7b
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c17e0a1d2f3b'
down_revision = 'a14e0d1f0c7b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signer_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signer_authority', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pending_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('closed_occurrence_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_evaluations_signer_id_users'), 'users', ['signer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_evaluations_closed_occurrence_id_occurrences'), 'occurrences', ['closed_occurrence_id'], ['id'])
    with op.batch_alter_table('evaluation_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keeps_excellent', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('deductions', sa.JSON(), server_default='[]', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_evaluation_rows_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('evaluation_rows', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evaluation_rows_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('deductions')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('keeps_excellent')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evaluations_closed_occurrence_id_occurrences'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_evaluations_signer_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_occurrence_id')
        batch_op.drop_column('pending_reason')
        batch_op.drop_column('signer_authority')
        batch_op.drop_column('signer_title')
        batch_op.drop_column('signer_name')
        batch_op.drop_column('signer_id')
