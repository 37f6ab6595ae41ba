-- Summary tables of the portfolio and attention measures, built after marts.sql (they
-- read snapshot_dates, days_past_due_buckets, loan_month_actions and action_demands).
-- All of them read the month-latest snapshots only (snapshot_dates.is_month_latest): the
-- snapshots a month's measures read. Dimensions are those of the loan's row on that
-- snapshot, so every filter of the book (branch, product, team, collector) still applies.

-- month_book — one row per month-latest snapshot and branch, product, team, collector,
-- aging bucket and five-tier classification of its active loans: how many loans, their
-- outstanding, and the outstanding of those overdue (days_past_due > 0). bucket is null
-- for days past due that fall in no aging bucket. Sums of the book's loans under any
-- filter are sums of these rows.
create or replace table month_book as
select l.as_of_date, l.branch, l.product, l.team, l.collector, b.bucket, l.classification,
    count(*) as count_loans,
    sum(l.outstanding_balance) as outstanding,
    sum(case when l.days_past_due > 0 then l.outstanding_balance else 0 end)
        as overdue_outstanding
from loan_snapshots l
join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
left join days_past_due_buckets b on b.days_past_due = l.days_past_due
where l.status = 'active'
group by l.as_of_date, l.branch, l.product, l.team, l.collector, b.bucket, l.classification;

-- month_rolls — one row per period month M (the month after a month with a snapshot) and
-- branch, product, team, collector and aging bucket (null: in none) of the loans active at
-- the previous month's latest snapshot (t), as of t, and the state of those loans at M's
-- latest snapshot (t+1): its aging bucket if still active, `settled`, `written_off`, or
-- `not_reported` when t+1 does not list the loan or M has no snapshot. count_loans: the
-- loans; count_overdue_before: those overdue at t (days_past_due > 0); count_cured: those
-- of them active with 0 days past due at t+1. Roll rates and the cure rate of period M
-- are sums of M's rows.
create or replace table month_rolls as
with month_pairs as (
    select f.as_of_date as from_on, cast(f.month + interval 1 month as date) as period_month,
        t.as_of_date as to_on
    from snapshot_dates f
    left join snapshot_dates t
        on t.is_month_latest and t.month = f.month + interval 1 month
    where f.is_month_latest
),
start_book as (
    select l.loan_id, p.period_month, p.to_on, l.branch, l.product, l.team, l.collector,
        b.bucket as from_bucket, l.days_past_due
    from loan_snapshots l
    join month_pairs p on p.from_on = l.as_of_date
    left join days_past_due_buckets b on b.days_past_due = l.days_past_due
    where l.status = 'active'
),
end_book as (
    select l.loan_id, l.as_of_date, l.status, l.days_past_due,
        case when l.status = 'active' then b.bucket else l.status end as to_state
    from loan_snapshots l
    join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
    left join days_past_due_buckets b on b.days_past_due = l.days_past_due
),
moves as (
    select s.period_month, s.branch, s.product, s.team, s.collector, s.from_bucket,
        coalesce(e.to_state, 'not_reported') as to_state,
        s.days_past_due > 0 as is_overdue_before,
        s.days_past_due > 0 and e.status = 'active' and e.days_past_due = 0 as is_cured
    from start_book s
    left join end_book e on e.loan_id = s.loan_id and e.as_of_date = s.to_on
)
select period_month, branch, product, team, collector, from_bucket, to_state,
    count(*) as count_loans,
    count(case when is_overdue_before then 1 end) as count_overdue_before,
    count(case when is_cured then 1 end) as count_cured
from moves
group by period_month, branch, product, team, collector, from_bucket, to_state;

-- vintage_rows — one row per loan row of a month-latest snapshot with a disbursement date
-- (a temporary view the two tables below read): its vintage (disbursement month) and
-- in_vintages_until, the last month end P for which the loan is in the vintages "of the
-- 24 months up to P" (disbursed after P less 24 months: the month 23 months after its
-- vintage, or 24 for a loan disbursed on a day that P less 24 months cannot reach, such
-- as 29 February). Rows of snapshots past that can never count and are left out.
create or replace temp view vintage_rows as
with disbursement_days as (
    select disbursed_on, cast(date_trunc('month', disbursed_on) as date) as vintage,
        case
            when last_day(disbursed_on + interval 24 month) - interval 24 month < disbursed_on
                then last_day(disbursed_on + interval 24 month)
            else last_day(disbursed_on + interval 23 month)
        end as in_vintages_until
    from (select distinct disbursed_on from loan_snapshots where disbursed_on is not null) d
)
select l.loan_id, l.as_of_date, l.branch, l.product, l.team, l.collector, l.principal,
    l.days_past_due, l.status, d.vintage, d.in_vintages_until
from loan_snapshots l
join disbursement_days d on d.disbursed_on = l.disbursed_on
-- A filter, not a join: with a join DuckDB groups vintage_loans' rows twice, once below it.
where l.as_of_date in (select as_of_date from snapshot_dates where is_month_latest)
  and last_day(l.as_of_date) <= d.in_vintages_until;

-- vintage_book — one row per month-latest snapshot, vintage, in_vintages_until, branch,
-- product, team and collector of the loans disbursed on or before the snapshot's month:
-- the principal of those 30+ and of those 90+ days past due (written-off loans count as
-- both, settled ones as neither). A vintage curve's numerators are sums of these rows.
create or replace table vintage_book as
select as_of_date, vintage, in_vintages_until, branch, product, team, collector,
    sum(case when status = 'written_off' or (status = 'active' and days_past_due >= 30)
        then principal else 0 end) as principal_30_plus,
    sum(case when status = 'written_off' or (status = 'active' and days_past_due >= 90)
        then principal else 0 end) as principal_90_plus
from vintage_rows
where as_of_date >= vintage
group by as_of_date, vintage, in_vintages_until, branch, product, team, collector;

-- vintage_loans — a vintage's principal counts each loan once (its largest principal among
-- the rows the filters keep). One row per vintage, in_vintages_until, branch, product,
-- team, collector, first_on (the first month-latest snapshot listing the loan so) and
-- loan_number: null on a row that sums the principal of the loans whose rows of the
-- vintage all agree on these and on principal (each counted once by summing); a number
-- standing for one loan whose rows differ (moved team, changed principal...), one row
-- per variant, counted once by the measure (largest principal per loan_number).
create or replace table vintage_loans as
with variants as (
    select vintage, loan_id, in_vintages_until, branch, product, team, collector, principal,
        min(as_of_date) as first_on,
        count(*) over (partition by vintage, loan_id) as count_variants
    from vintage_rows
    group by vintage, loan_id, in_vintages_until, branch, product, team, collector, principal
)
select vintage, in_vintages_until, branch, product, team, collector, first_on,
    cast(null as bigint) as loan_number, sum(principal) as principal
from variants
where count_variants = 1
group by vintage, in_vintages_until, branch, product, team, collector, first_on
union all
select vintage, in_vintages_until, branch, product, team, collector, first_on,
    dense_rank() over (order by loan_id) as loan_number, principal
from variants
where count_variants > 1;

-- month_overdue_loans — one row per month-latest snapshot and loan active and overdue
-- (days_past_due > 0) on it: where the loan sits, its days past due and outstanding, its
-- latest action on or before the snapshot date (last_action_at) and its latest documented
-- demand then (last_demand_on; see action_demands). The months before the snapshot's
-- come from loan_month_actions, as does its own month when the snapshot closes the month;
-- otherwise the actions of its month up to the snapshot date are read.
create or replace table month_overdue_loans as
with cases as (
    select l.as_of_date, l.loan_id, l.customer_id, l.branch, l.product, l.team, l.collector,
        l.days_past_due, l.outstanding_balance, s.month,
        l.as_of_date = last_day(l.as_of_date) as is_month_end
    from loan_snapshots l
    join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
    where l.status = 'active' and l.days_past_due > 0
),
acted as (
    select c.as_of_date, c.loan_id, m.last_action_at, m.last_demand_on
    from cases c
    join loan_month_actions m
        on m.loan_id = c.loan_id
       and (m.month < c.month or (c.is_month_end and m.month = c.month))
    union all
    select c.as_of_date, c.loan_id, a.action_at,
        case when a.is_documented_demand then cast(a.action_at as date) end
    from cases c
    join action_demands a
        on a.loan_id = c.loan_id
       and a.action_at >= c.month
       and cast(a.action_at as date) <= c.as_of_date
    where not c.is_month_end
),
latest as (
    select as_of_date, loan_id, max(last_action_at) as last_action_at,
        max(last_demand_on) as last_demand_on
    from acted
    group by as_of_date, loan_id
)
select c.as_of_date, c.loan_id, c.customer_id, c.branch, c.product, c.team, c.collector,
    c.days_past_due, c.outstanding_balance, l.last_action_at, l.last_demand_on
from cases c
left join latest l on l.as_of_date = c.as_of_date and l.loan_id = c.loan_id
order by c.as_of_date, c.loan_id;
