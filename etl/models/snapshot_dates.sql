-- model: snapshot_dates
-- what: a loans snapshot date, with its month and whether it is the month's latest (the
--     snapshot a month's measures read).
-- grain: one row per loans snapshot date
-- key: as_of_date
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, month, is_month_latest
-- holds: one month-latest date per month
--     select month from snapshot_dates
--     group by month
--     having count(case when is_month_latest then 1 end) <> 1

with dates as (
    select distinct as_of_date from loan_snapshots
)
select as_of_date, date_trunc('month', as_of_date) as month,
    as_of_date = max(as_of_date) over (partition by date_trunc('month', as_of_date))
        as is_month_latest
from dates
