-- model: loan_month_worked
-- what: a loan, calendar month and (method, team, collector) that worked the loan that
--     month: the first and latest action, the latest documented demand (see
--     action_demands) and the number of actions. The one pass over the actions that
--     loan_month_actions and the first actions of the cases are built from.
-- grain: one row per loan, calendar month and (method, team, collector) with actions
-- key: month, loan_id, method, team, collector
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: month, loan_id, first_action_at, last_action_at, count_actions
-- holds: its actions add up to all the actions
--     with counts as (
--         select (select sum(count_actions) from loan_month_worked) as count_worked,
--             (select count(*) from actions) as count_actions
--     )
--     select * from counts where count_worked <> count_actions

select date_trunc('month', a.action_at) as month, a.loan_id, a.method, a.team,
    a.collector, min(a.action_at) as first_action_at, max(a.action_at) as last_action_at,
    max(case when a.is_documented_demand then cast(a.action_at as date) end)
        as last_demand_on,
    count(*) as count_actions
from action_demands a
group by date_trunc('month', a.action_at), a.loan_id, a.method, a.team, a.collector
