-- model: phone_action_months
-- what: the phone actions, connected calls and effective contacts of a month, branch,
--     product, team and collector. Branch and product are the loan's as on its latest
--     snapshot on or before the month's last day (null when it has none); team and
--     collector those of the action. Additive: the phone actions, connected calls and
--     effective contacts of any month under any of those filters are sums of it
--     (contact_summary, contact_trend, contacts_by, and the effective contacts a PTP rate
--     divides by).
-- grain: one row per month (its first day), branch, product, team and collector with
--     phone actions
-- key: month, branch, product, team, collector
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: month, count_phone_actions, count_connected, count_effective
-- holds: its phone actions, connected calls and effective contacts add up to all of them
--     with summed as (
--         select sum(count_phone_actions) as count_phone_actions,
--             sum(count_connected) as count_connected, sum(count_effective) as count_effective
--         from phone_action_months
--     ),
--     counted as (
--         select count(*) as count_phone_actions,
--             count(case when outcome = 'connected' then 1 end) as count_connected,
--             count(case when is_effective_contact then 1 end) as count_effective
--         from action_demands
--         where method = 'phone'
--     )
--     select * from summed, counted
--     where summed.count_phone_actions is distinct from counted.count_phone_actions
--        or summed.count_connected is distinct from counted.count_connected
--        or summed.count_effective is distinct from counted.count_effective

select month, branch, product, team, collector,
    cast(sum(count_phone_actions) as bigint) as count_phone_actions,
    cast(sum(count_connected) as bigint) as count_connected,
    cast(sum(count_effective) as bigint) as count_effective
from phone_action_loan_months
group by month, branch, product, team, collector
order by month
