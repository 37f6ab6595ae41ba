-- model: case_method_months
-- what: the actions of one method that worked a case in a month (case_actions), with the
--     case's holder, branch and product and placement as in case_months.
-- grain: one row per calendar month, case and method whose actions worked the case
-- key: month, case_id, method
-- partition: month
-- changes: forward
-- settings: aging_buckets, method_cost
-- materialized: table
-- not_null: month, case_id, method, loan_id, placed, count_actions, cost
-- holds: a case's actions and cost by method add up to its month's (case_months)
--     with by_method as (
--         select month, case_id, sum(count_actions) as count_actions, sum(cost) as cost
--         from case_method_months
--         group by month, case_id
--     )
--     select c.month, c.case_id, c.count_actions, c.cost, m.count_actions, m.cost
--     from case_months c
--     full join by_method m on m.month = c.month and m.case_id = c.case_id
--     where coalesce(c.count_actions, 0) <> coalesce(m.count_actions, 0)
--        or coalesce(c.cost, 0) <> coalesce(m.cost, 0)

select a.month, a.case_id, a.method, c.loan_id, c.team, c.collector, c.branch, c.product,
    c.placed, c.bucket, c.bucket_order, cast(a.count_actions as bigint) as count_actions,
    cast(a.cost as decimal(18, 2)) as cost
from case_actions a
join case_months c on c.month = a.month and c.case_id = a.case_id
