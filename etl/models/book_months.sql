-- model: book_months
-- what: a calendar month from the book's first snapshot, action, payment or assignment to
--     its last snapshot, action or payment: month (first day) and month_after (the next
--     first day).
-- grain: one row per calendar month of the book
-- key: month
-- partition: month
-- changes: from month
-- settings: none
-- materialized: table
-- not_null: month, month_after
-- holds: no month missing between the first and the last
--     select count(*) as count_months from book_months
--     having count(*) <> date_diff('month', min(month), max(month)) + 1

with bounds as (
    select cast(min(first_day) as date) as first_month, cast(max(first_day) as date) as last_month
    from (
        select date_trunc('month', min(as_of_date)) as first_day from loan_snapshots
        union all select date_trunc('month', max(as_of_date)) from loan_snapshots
        union all select date_trunc('month', min(action_at)) from actions
        union all select date_trunc('month', max(action_at)) from actions
        union all select date_trunc('month', min(paid_at)) from payments
        union all select date_trunc('month', max(paid_at)) from payments
        union all select date_trunc('month', min(assigned_on)) from assignments
    ) found
),
months as (
    -- one row per month from the first to the last (none when there is no row at all)
    select cast(month as date) as month
    from (
        select unnest(generate_series(first_month, last_month, interval 1 month)) as month
        from bounds
    ) series
)
select month, cast(month + interval 1 month as date) as month_after
from months
