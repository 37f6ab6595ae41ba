-- model: reachability_statuses
-- what: a reachability status of a customer, best first (status_rank 1): a customer
--     called in a month gets the best status over its calls.
-- grain: one row per reachability status
-- key: status
-- partition: none
-- changes: whole
-- settings: none
-- materialized: table
-- not_null: status, status_rank
-- holds: each rank once
--     select status_rank from reachability_statuses group by status_rank having count(*) > 1

select * from (
    values ('reached', 1), ('third_party', 2), ('no_answer', 3), ('switched_off', 4),
           ('unreachable', 5)
) as statuses (status, status_rank)
