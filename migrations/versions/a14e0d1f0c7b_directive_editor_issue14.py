"""directive editor: type, summary, status, signer authority, document, publishing; task
supervisor and import notes; indicator aggregate

Revision ID: a14e0d1f0c7b
Revises: a1724827f3e3
Create Date: 2026-12-01 20:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.db


# revision identifiers, used by Alembic.
revision = 'a14e0d1f0c7b'
down_revision = 'a1724827f3e3'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_authority', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('doc_type', _enum('directivetype', 'conclusion_notice', 'plan', 'directive', 'official_letter', 'decision', 'report', 'other'), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status', _enum('directivestatus', 'draft', 'published'), nullable=False, server_default='published'))
        batch_op.add_column(sa.Column('document_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('document_name', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('published_at', tracker.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('published_for_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_directives_published_by_id_users'), 'users', ['published_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_directives_published_for_id_users'), 'users', ['published_for_id'], ['id'])

    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aggregate', _enum('aggregate', 'last', 'average', 'sum'), nullable=False, server_default='last'))
        batch_op.add_column(sa.Column('source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('doubt', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervisor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('doubt', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_tasks_supervisor_id_users'), 'users', ['supervisor_id'], ['id'])


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_supervisor_id_users'), type_='foreignkey')
        batch_op.drop_column('doubt')
        batch_op.drop_column('source')
        batch_op.drop_column('supervisor_id')

    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('doubt')
        batch_op.drop_column('source')
        batch_op.drop_column('aggregate')

    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_directives_published_for_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_directives_published_by_id_users'), type_='foreignkey')
        batch_op.drop_column('published_for_id')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('published_at')
        batch_op.drop_column('document_name')
        batch_op.drop_column('document_sha256')
        batch_op.drop_column('status')
        batch_op.drop_column('summary')
        batch_op.drop_column('doc_type')
        batch_op.drop_column('signer_authority')
