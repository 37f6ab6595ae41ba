-- model: action_demands
-- what: every action with `is_effective_contact` (有效联系: a connected phone call with the
--     debtor, spouse or family, or no relation given) and `is_documented_demand`: whether
--     it documents a demand for payment, which restarts the limitation period: a
--     delivered letter, lawyer's letter, SMS or e-mail; an effective contact; a visit that
--     met the debtor; any legal action.
-- grain: one row per action
-- key: action_id
-- partition: action_at
-- changes: forward
-- settings: none
-- materialized: view
-- not_null: action_id, loan_id, action_at, is_effective_contact, is_documented_demand
-- holds: one row per action
--     with counts as (
--         select (select count(*) from action_demands) as count_judged,
--             (select count(*) from actions) as count_actions
--     )
--     select * from counts where count_judged <> count_actions
-- holds: an effective contact documents a demand
--     select * from action_demands where is_effective_contact and not is_documented_demand

with judged as (
    select *,
        method = 'phone' and outcome = 'connected'
            and coalesce(contact_relation, 'self') in ('self', 'spouse', 'family')
            as is_effective_contact
    from actions
)
select *,
    (method in ('letter', 'lawyer_letter', 'sms', 'email') and outcome = 'delivered')
    or is_effective_contact
    or (method = 'visit' and outcome = 'met')
    or method = 'legal' as is_documented_demand
from judged
