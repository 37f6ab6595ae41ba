-- model: customer_reachability_months
-- what: the best status_rank of a customer's calls that have a reachability status in a
--     month, branch, product, team and collector (customer, branch and product as in
--     phone_action_months). A customer's status under any filters is the best rank over
--     its rows that pass them (reachability).
-- grain: one row per month, customer, branch, product, team and collector with calls that
--     have a reachability status
-- key: month, customer_id, branch, product, team, collector
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: month, best_rank
-- holds: the rank is one of reachability_statuses
--     select * from customer_reachability_months
--     where best_rank not in (select status_rank from reachability_statuses)

select month, customer_id, branch, product, team, collector, min(best_rank) as best_rank
from phone_action_loan_months
where best_rank is not null
group by month, customer_id, branch, product, team, collector
order by month
