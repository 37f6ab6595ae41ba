-- model: month_rolls
-- what: the loans active at the latest snapshot of the month before period month M (t),
--     by their branch, product, team, collector and aging bucket (null: in none) as of t,
--     and their state at M's latest snapshot (t+1): its aging bucket if still active,
--     `settled`, `written_off`, or `not_reported` when t+1 does not list the loan or M has
--     no snapshot. count_loans: the loans; count_overdue_before: those overdue at t
--     (days_past_due > 0); count_cured: those of them active with 0 days past due at t+1.
--     Roll rates and the cure rate of period M are sums of M's rows.
-- grain: one row per period month M (the month after a month with a snapshot), branch,
--     product, team, collector, aging bucket at t and state at t+1
-- key: period_month, branch, product, team, collector, from_bucket, to_state
-- partition: period_month
-- changes: forward
-- settings: aging_buckets
-- materialized: table
-- not_null: period_month, to_state, count_loans, count_overdue_before, count_cured
-- holds: cured <= overdue before <= loans
--     select * from month_rolls
--     where count_cured > count_overdue_before or count_overdue_before > count_loans
-- holds: a period's loans add up to the active loans of the month before's latest snapshot
--     with rolled as (
--         select period_month, sum(count_loans) as count_loans
--         from month_rolls
--         group by period_month
--     ),
--     started as (
--         select cast(s.month + interval 1 month as date) as period_month,
--             count(*) as count_loans
--         from loan_snapshots l
--         join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
--         where l.status = 'active'
--         group by s.month
--     )
--     select * from rolled r
--     full join started s on s.period_month = r.period_month
--     where r.count_loans is distinct from s.count_loans

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
group by period_month, branch, product, team, collector, from_bucket, to_state
