-- model: phone_actions
-- what: a phone action with its calendar month (its first day), whether it was an
--     effective contact (as the view action_demands judges it) and its reachability status
--     (a status of reachability_statuses; null for other outcomes). A view: the tables of
--     the contact measures read it.
-- grain: one row per phone action
-- key: action_id
-- partition: month
-- changes: forward
-- settings: none
-- materialized: view
-- not_null: action_id, loan_id, action_at, month, is_effective
-- holds: one row per phone action
--     with counts as (
--         select (select count(*) from phone_actions) as count_listed,
--             (select count(*) from actions where method = 'phone') as count_phone_actions
--     )
--     select * from counts where count_listed <> count_phone_actions
-- holds: a status is one of reachability_statuses
--     select * from phone_actions
--     where reachability not in (select status from reachability_statuses)

with calls as (
    select a.action_id, a.loan_id, a.action_at, a.team, a.collector, a.outcome,
        a.contact_relation, cast(date_trunc('month', a.action_at) as date) as month,
        a.is_effective_contact as is_effective
    from action_demands a
    where a.method = 'phone'
)
select *,
    case
        when is_effective then 'reached'
        when outcome = 'connected' then 'third_party'
        when outcome in ('no_answer', 'busy', 'rejected') then 'no_answer'
        when outcome in ('powered_off', 'suspended') then 'switched_off'
        when outcome in ('invalid_number', 'wrong_number') then 'unreachable'
    end as reachability
from calls
