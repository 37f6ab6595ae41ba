-- model: case_actions
-- what: the actions of one method on a case's loan while the case held it (the case each
--     action works), their number and cost (the row's, else the per-method table
--     method_costs).
-- grain: one row per calendar month, case (placed above 0) and method
-- key: month, case_id, method
-- partition: month
-- changes: forward
-- settings: aging_buckets, method_cost
-- materialized: table
-- not_null: month, case_id, method, count_actions, cost
-- holds: a row has actions
--     select * from case_actions where count_actions < 1

select cast(date_trunc('month', a.action_at) as date) as month, c.case_id, a.method,
    count(*) as count_actions, sum(coalesce(a.cost, m.cost_per_action, 0)) as cost
from actions a
join cases c
    on c.loan_id = a.loan_id
   and c.held_from <= cast(a.action_at as date)
   and c.held_until > cast(a.action_at as date)
left join method_costs m on m.method = a.method
where c.placed_amount > 0
group by cast(date_trunc('month', a.action_at) as date), c.case_id, a.method
