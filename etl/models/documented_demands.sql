-- model: documented_demands
-- what: the actions that document a demand for payment (see action_demands).
-- grain: one row per action that documents a demand
-- key: none
-- partition: action_at
-- changes: forward
-- settings: none
-- materialized: view
-- not_null: loan_id, action_at
-- holds: as many as action_demands judges documented demands
--     with counts as (
--         select (select count(*) from documented_demands) as count_listed,
--             (select count(*) from action_demands where is_documented_demand) as count_judged
--     )
--     select * from counts where count_listed <> count_judged

select loan_id, action_at
from action_demands
where is_documented_demand
