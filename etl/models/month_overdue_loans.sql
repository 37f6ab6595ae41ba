-- model: month_overdue_loans
-- what: a loan active and overdue (days_past_due > 0) on a month-latest snapshot: where
--     the loan sits, its days past due and outstanding, its latest action on or before the
--     snapshot date (last_action_at) and its latest documented demand then
--     (last_demand_on; see action_demands). The months before the snapshot's come from
--     loan_month_actions, as does its own month when the snapshot closes the month;
--     otherwise the actions of its month up to the snapshot date are read.
-- grain: one row per month-latest snapshot and loan active and overdue on it
-- key: as_of_date, loan_id
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, loan_id, days_past_due
-- holds: overdue
--     select * from month_overdue_loans where days_past_due <= 0
-- holds: the last action and demand are on or before the snapshot date
--     select * from month_overdue_loans
--     where cast(last_action_at as date) > as_of_date or last_demand_on > as_of_date

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
order by c.as_of_date, c.loan_id
