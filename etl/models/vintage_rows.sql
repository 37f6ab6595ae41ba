-- model: vintage_rows
-- what: a loan row of a month-latest snapshot with a disbursement date: its vintage
--     (disbursement month) and in_vintages_until, the last month end P for which the loan
--     is in the vintages "of the 24 months up to P" (disbursed after P less 24 months: the
--     month 23 months after its vintage, or 24 for a loan disbursed on a day that P less 24
--     months cannot reach, such as 29 February). Rows of snapshots past that can never
--     count and are left out.
-- grain: one row per loan row of a month-latest snapshot with a disbursement date, up to
--     in_vintages_until
-- key: loan_id, as_of_date
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: temporary view
-- not_null: loan_id, as_of_date, vintage, in_vintages_until
-- holds: a row's month is not past in_vintages_until
--     select * from vintage_rows where last_day(as_of_date) > in_vintages_until

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
  and last_day(l.as_of_date) <= d.in_vintages_until
