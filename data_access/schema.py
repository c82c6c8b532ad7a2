"""Tables, declared in code: duckdb-engine cannot reflect them.

Natural keys everywhere (the partner's own ids), scoped by partner. Money has eight decimals, as
the provider bills (SPEC "Money at the provider's precision"). A record's is NUMERIC(18, 8):
eighteen digits are the widest DuckDB keeps as a 64-bit integer (wider ones take 128 bits), and
they leave ten before the point (up to 9,999,999,999.99999999, which imports check). A rollup
row sums any number of records, so its money is NUMERIC(38, 8), the width of the sums the
databases compute (DuckDB sums DECIMAL(18, 8) as DECIMAL(38, 8)): a sum never overflows.
No foreign keys: DuckDB's are costly on bulk loads and forbid updating referenced rows, so the
importers check references instead (and say which line is wrong).
"""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable

MONEY = sa.Numeric(18, 8)
ROLLUP_MONEY = sa.Numeric(38, 8)
SCHEMA_VERSION = 4  # 2: the rollups; 3: money at eight decimals; 4: record ids apart, months (migrations)

metadata = sa.MetaData()

partners = sa.Table(
    "partners", metadata,
    sa.Column("partner_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(16), nullable=False, server_default="+08:00"),
    sa.Column("currency", sa.String(3), nullable=False, server_default="CNY"),
    # 0: spend belongs to the new manager from the assignment day; 1: from the day after.
    sa.Column("attribution_delay_days", sa.Integer, nullable=False, server_default="0"),
    # Bumped by every write of the partner's data: part of every cache key of its answers.
    sa.Column("data_version", sa.Integer, nullable=False, server_default="0"),
)

managers = sa.Table(
    "managers", metadata,
    sa.Column("partner_id", sa.String(64), primary_key=True),
    sa.Column("manager_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)

customers = sa.Table(
    "customers", metadata,
    sa.Column("partner_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("customer_name", sa.String(200), nullable=False),
    sa.Column("account_name", sa.String(200), nullable=False),
    sa.Column("association_type", sa.String(16), nullable=False),
)

assignments = sa.Table(
    "assignments", metadata,
    sa.Column("partner_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("start_day", sa.Date, primary_key=True),
    sa.Column("manager_id", sa.String(64), nullable=True),  # NULL: unassigned from start_day
)

# A record's id is unique in its partner, and expenditure_ids says which are stored: PostgreSQL
# partitions the records by month (data_access.partitions), and a key of partitioned rows must
# hold their day. Its key is PostgreSQL's only: DuckDB, one writer at a time, finds the ids stored
# by a join (an index of 100 million ids would not fit the memory it is allowed).
expenditures = sa.Table(
    "expenditures", metadata,
    sa.Column("partner_id", sa.String(64), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("service_type", sa.String(100), nullable=False),
    sa.Column("billing_mode", sa.String(32), nullable=False),
    sa.Column("bill_type", sa.String(16), nullable=False),
    sa.Column("region", sa.String(64), nullable=False),
    sa.Column("resource_id", sa.String(128), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("cash_coupon", MONEY, nullable=False),
    # The attributed account manager, maintained by data_access.attribution (NULL: Unassigned).
    sa.Column("manager_id", sa.String(64), nullable=True),
)


@compiles(CreateTable, "postgresql")
def _create_table(create: CreateTable, compiler, **kw) -> str:
    """PostgreSQL's CREATE TABLE, the records' partitioned (data_access.partitions). Not by the
    Table's postgresql_partition_by, which duckdb-engine, a PostgreSQL dialect, would honour too."""
    text = compiler.visit_create_table(create, **kw)
    if create.element is expenditures:
        text = f"{text.rstrip()} PARTITION BY RANGE (day)\n\n"  # one partition a month
    return text


expenditure_ids = sa.Table(
    "expenditure_ids", metadata,
    sa.Column("partner_id", sa.String(64), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.PrimaryKeyConstraint("partner_id", "record_id").ddl_if(dialect="postgresql"),
)
# Indexes for PostgreSQL only: DuckDB finds a time range by its zone maps (every row group's
# minimum and maximum), so an index would only cost it memory and loading time.
sa.Index("ix_expenditures_partner_day", expenditures.c.partner_id,
         expenditures.c.day).ddl_if(dialect="postgresql")
# A page of the detail table in Amount order (the default) is the index's first rows in range.
sa.Index("ix_expenditures_partner_amount", expenditures.c.partner_id,
         expenditures.c.amount).ddl_if(dialect="postgresql")


def _rollup(name: str, *dimensions: str) -> sa.Table:
    """Sums of the records, one row per partner, day (a monthly rollup: the month's first day)
    and combination of the records' columns `dimensions`: kept equal to the records by
    data_access.rollups, read by data_access.facts."""
    table = sa.Table(
        name, metadata,
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        *(sa.Column(column, expenditures.c[column].type, nullable=expenditures.c[column].nullable)
          for column in dimensions),
        sa.Column("amount", ROLLUP_MONEY, nullable=False),
        sa.Column("cash_coupon", ROLLUP_MONEY, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("nonzero_records", sa.Integer, nullable=False),  # amount or coupon not zero
    )
    sa.Index(f"ix_{name}_partner_day", table.c.partner_id, table.c.day).ddl_if(dialect="postgresql")
    return table


# Their dimensions keep them small. Rows of one year of the demo's larger partner (3.4 million
# records): by manager and billing mode 17 thousand; by service type and billing mode 27
# thousand; by all three 215 thousand; by manager and customer 1.1 million.
# The overview's series (a total by day, or an account manager's): a comparison reads two periods of it.
daily_by_manager = _rollup("daily_by_manager", "manager_id")
daily_by_manager_mode = _rollup("daily_by_manager_mode", "manager_id", "billing_mode")
daily_by_service_mode = _rollup("daily_by_service_mode", "service_type", "billing_mode")
daily_by_manager_service_mode = _rollup("daily_by_manager_service_mode", "manager_id", "service_type",
                                        "billing_mode")
daily_by_manager_customer = _rollup("daily_by_manager_customer", "manager_id", "customer_id")
# The top customers' series of a breakdown by customer account: a few customers' days.
sa.Index("ix_daily_by_manager_customer_customer", daily_by_manager_customer.c.partner_id,
         daily_by_manager_customer.c.customer_id, daily_by_manager_customer.c.day).ddl_if(dialect="postgresql")
# The customers (and their association types) a filter offers: 25x fewer rows than by day.
monthly_by_manager_customer = _rollup("monthly_by_manager_customer", "manager_id", "customer_id")

users = sa.Table(
    "users", metadata,
    sa.Column("login", sa.String(100), primary_key=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("partner_id", sa.String(64), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # admin | account_manager
    sa.Column("manager_id", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # Part of every session of the user: bumping it ends them all, on every worker.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
    # "en" or "zh-CN" (i18n.LANGUAGES); NULL until chosen: the browser's preference decides.
    sa.Column("language", sa.String(16), nullable=True),
)

export_tasks = sa.Table(
    "export_tasks", metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("owner_login", sa.String(100), nullable=False),
    sa.Column("partner_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("file_format", sa.String(8), nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),  # JSON of the query and the selection
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=True),
    sa.Column("rows_done", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("file_name", sa.String(200), nullable=True),
    sa.Column("error", sa.Text, nullable=True),  # why it failed, in English
    # The same as a Message (JSON of errors.Message.to_json), to say it in the viewer's language.
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("heartbeat_at", sa.DateTime, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)
sa.Index("ix_export_tasks_partner_owner", export_tasks.c.partner_id, export_tasks.c.owner_login)

schema_meta = sa.Table(
    "schema_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
