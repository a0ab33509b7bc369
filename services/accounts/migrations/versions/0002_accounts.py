"""Create provinces, agencies, departments, users, tokens, sessions, API clients,
the audit log and rate-limit attempts; seed the 34 provinces in force from 2025-07-01.

Province codes: Quyết định 19/2025/QĐ-TTg (see /work/shared/data/README.md,
provinces.csv), valid from 2025-07-01.

Revision ID: 0002
Revises: 0001
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PROVINCES = [
    ("01", "Thành phố Hà Nội", "Ha Noi", "city"),
    ("04", "Tỉnh Cao Bằng", "Cao Bang", "province"),
    ("08", "Tỉnh Tuyên Quang", "Tuyen Quang", "province"),
    ("11", "Tỉnh Điện Biên", "Dien Bien", "province"),
    ("12", "Tỉnh Lai Châu", "Lai Chau", "province"),
    ("14", "Tỉnh Sơn La", "Son La", "province"),
    ("15", "Tỉnh Lào Cai", "Lao Cai", "province"),
    ("19", "Tỉnh Thái Nguyên", "Thai Nguyen", "province"),
    ("20", "Tỉnh Lạng Sơn", "Lang Son", "province"),
    ("22", "Tỉnh Quảng Ninh", "Quang Ninh", "province"),
    ("24", "Tỉnh Bắc Ninh", "Bac Ninh", "province"),
    ("25", "Tỉnh Phú Thọ", "Phu Tho", "province"),
    ("31", "Thành phố Hải Phòng", "Hai Phong", "city"),
    ("33", "Tỉnh Hưng Yên", "Hung Yen", "province"),
    ("37", "Tỉnh Ninh Bình", "Ninh Binh", "province"),
    ("38", "Tỉnh Thanh Hóa", "Thanh Hoa", "province"),
    ("40", "Tỉnh Nghệ An", "Nghe An", "province"),
    ("42", "Tỉnh Hà Tĩnh", "Ha Tinh", "province"),
    ("44", "Tỉnh Quảng Trị", "Quang Tri", "province"),
    ("46", "Thành phố Huế", "Hue", "city"),
    ("48", "Thành phố Đà Nẵng", "Da Nang", "city"),
    ("51", "Tỉnh Quảng Ngãi", "Quang Ngai", "province"),
    ("52", "Tỉnh Gia Lai", "Gia Lai", "province"),
    ("56", "Tỉnh Khánh Hòa", "Khanh Hoa", "province"),
    ("66", "Tỉnh Đắk Lắk", "Dak Lak", "province"),
    ("68", "Tỉnh Lâm Đồng", "Lam Dong", "province"),
    ("75", "Tỉnh Đồng Nai", "Dong Nai", "province"),
    ("79", "Thành phố Hồ Chí Minh", "Ho Chi Minh", "city"),
    ("80", "Tỉnh Tây Ninh", "Tay Ninh", "province"),
    ("82", "Tỉnh Đồng Tháp", "Dong Thap", "province"),
    ("86", "Tỉnh Vĩnh Long", "Vinh Long", "province"),
    ("91", "Tỉnh An Giang", "An Giang", "province"),
    ("92", "Thành phố Cần Thơ", "Can Tho", "city"),
    ("96", "Tỉnh Cà Mau", "Ca Mau", "province"),
]
STAMP = sa.DateTime(timezone=True)


def _provinces():
    table = op.create_table(
        "provinces",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("name_vi", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_provinces"),
    )
    since = dt.date(2025, 7, 1)
    op.bulk_insert(
        table,
        [
            {"code": c, "name_vi": vi, "name_en": en, "kind": k, "valid_from": since}
            for c, vi, en, k in PROVINCES
        ],
    )


def _agencies():
    op.create_table(
        "agencies",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("province", sa.String(2), nullable=False),
        sa.Column(
            "valid_from",
            sa.Date(),
            server_default=sa.func.current_date(),
            nullable=False,
        ),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("replaced_by", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
        sa.UniqueConstraint("code", name="uq_agencies_code"),
        sa.ForeignKeyConstraint(
            ["province"], ["provinces.code"], name="fk_agencies_province_provinces"
        ),
    )
    op.create_index("ix_agencies_province", "agencies", ["province"])
    op.create_table(
        "departments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_departments"),
        sa.UniqueConstraint("agency", "code", name="uq_departments_agency_code"),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_departments_agency_agencies"
        ),
    )
    op.create_index("ix_departments_agency", "departments", ["agency"])


def _users():
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("national_id", sa.String(12), nullable=True),
        sa.Column("tax_code", sa.String(14), nullable=True),
        sa.Column("business_name", sa.String(255), nullable=True),
        sa.Column("address", sa.String(500), nullable=True),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(24), nullable=True),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("created_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("deactivated_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("public_id", name="uq_users_public_id"),
        sa.ForeignKeyConstraint(
            ["province"], ["provinces.code"], name="fk_users_province_provinces"
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_users_agency_agencies"
        ),
    )
    op.create_index(
        "uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True
    )
    op.create_index("ix_users_agency", "users", ["agency"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("used_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_tokens_token_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_tokens_user_id_users"
        ),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])


def _access():
    op.create_table(
        "api_clients",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_clients"),
        sa.UniqueConstraint("client_id", name="uq_api_clients_client_id"),
        sa.ForeignKeyConstraint(
            ["province"], ["provinces.code"], name="fk_api_clients_province_provinces"
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_api_clients_agency_agencies"
        ),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("client_id", sa.BigInteger(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
        sa.Column("revoked_at", STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["api_clients.id"], name="fk_sessions_client_id_api_clients"
        ),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])


def _logs():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", STAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("actor_email", sa.String(254), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(254), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("agency", sa.String(40), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_province", "audit_log", ["province"])
    op.create_table(
        "attempts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(300), nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
    )
    op.create_index("ix_attempts_bucket_at", "attempts", ["bucket", "at"])


def upgrade():
    _provinces()
    _agencies()
    _users()
    _access()
    _logs()


def downgrade():
    for table in ("attempts", "audit_log", "sessions", "api_clients", "tokens"):
        op.drop_table(table)
    for table in ("users", "departments", "agencies", "provinces"):
        op.drop_table(table)
