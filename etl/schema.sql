-- The database the loader writes and everything else reads. Column meanings: docs/schema.md.
-- Money is DECIMAL(18,2); times are local times in the configured zone.

create table if not exists schema_info (
    schema_version integer not null  -- etl.load.SCHEMA_VERSION when the file was created
);

create table if not exists load_ledger (
    load_id integer primary key,
    batch_id integer not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    kind varchar not null,
    file_format varchar not null,
    encoding varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_rejected bigint not null,
    status varchar not null,          -- loaded | replaced (all its rows replaced by a later file)
    loaded_at timestamp not null
);

create table if not exists rejected_rows (
    load_id integer not null,
    file_name varchar not null,
    line bigint,
    column_name varchar,              -- canonical name; null when the whole row is broken
    header varchar,                   -- the header as written in the file
    value varchar,
    reason varchar not null,          -- in English, for the command line
    reason_code varchar not null,     -- key of the reason in the translation catalogue
    reason_detail varchar             -- fills {detail} in it: a minimum, a line, a field
);

create table if not exists loan_snapshots (
    as_of_date date not null,
    loan_id varchar not null,
    customer_id varchar not null,
    customer_name varchar,
    id_number varchar,
    product varchar,
    branch varchar,
    team varchar,
    collector varchar,
    disbursed_on date,
    principal decimal(18, 2) not null,
    outstanding_balance decimal(18, 2) not null,
    overdue_amount decimal(18, 2),
    days_past_due integer not null,
    classification varchar not null,
    status varchar not null,
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

create table if not exists actions (
    action_id varchar not null,
    loan_id varchar not null,
    action_at timestamp not null,
    method varchar not null,
    team varchar not null,
    collector varchar,
    contact_phone varchar,
    contact_relation varchar,
    outcome varchar,
    promised_amount decimal(18, 2),
    promised_date date,
    cost decimal(18, 2),
    note varchar,
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

create table if not exists payments (
    payment_id varchar not null,
    loan_id varchar not null,
    paid_at timestamp not null,
    amount decimal(18, 2) not null,
    channel varchar,
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

-- One row per case (委案): a loan held by a team (and collector) from assigned_on up to,
-- not including, ended_on (null: still held). No two cases of a loan share a day.
create table if not exists assignments (
    assignment_id varchar not null,
    loan_id varchar not null,
    team varchar not null,
    collector varchar,
    assigned_on date not null,
    ended_on date,                    -- the first day it is no longer held
    assigned_amount decimal(18, 2),   -- null: the overdue amount at placement
    days_past_due integer,            -- null: the placement snapshot's
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

create table if not exists contacts (
    customer_id varchar not null,
    phone varchar not null,
    relation varchar,
    city varchar,
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

create table if not exists teams (
    team varchar not null,
    team_type varchar,
    manager varchar,
    monthly_visit_quota integer,
    load_id integer not null,
    source_line bigint not null       -- the row's line in that file
);

create table if not exists phone_checks (
    phone varchar not null,
    city varchar,
    phone_normalized varchar,
    number_type varchar not null,     -- mobile | landline | service | unknown
    is_valid boolean not null,
    invalid_reason varchar            -- not_a_number | wrong_length | bad_prefix |
                                      -- missing_area_code | wrong_area_code | service_number
);

-- The config's aging buckets (docs/data-contract.md defaults: Current, M1 ... M7+), rewritten
-- at each load; max_days null for the open last bucket.
create table if not exists aging_buckets (
    bucket varchar primary key,
    min_days integer not null,
    max_days integer,
    sort_order integer not null
);

create table if not exists method_costs (
    method varchar primary key,
    cost_per_action decimal(18, 2) not null
);
