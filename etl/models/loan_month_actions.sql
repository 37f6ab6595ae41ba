-- model: loan_month_actions
-- what: the latest action of a loan's month and the latest documented demand of the month.
--     "Last action on or before day D" = the latest of the months before D's month here,
--     and of D's own month from the actions themselves.
-- grain: one row per loan and calendar month with actions
-- key: loan_id, month
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: loan_id, month, last_action_at
-- holds: the latest demand is not after the latest action
--     select * from loan_month_actions where last_demand_on > cast(last_action_at as date)

select loan_id, month, max(last_action_at) as last_action_at,
    max(last_demand_on) as last_demand_on
from loan_month_worked
group by loan_id, month
