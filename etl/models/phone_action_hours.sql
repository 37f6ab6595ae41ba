-- model: phone_action_hours
-- what: the phone actions and effective contacts of a month, ISO weekday (1 = Monday),
--     hour (0..23) of the local action time, branch, product, team and collector (as in
--     phone_action_months), for best_time_to_call.
-- grain: one row per month, weekday, hour, branch, product, team and collector with phone
--     actions
-- key: month, weekday, hour, branch, product, team, collector
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: month, weekday, hour, count_phone_actions, count_effective
-- holds: weekday 1..7 and hour 0..23
--     select * from phone_action_hours where weekday not between 1 and 7 or hour not between 0 and 23
-- holds: a month's hours add up to its phone_action_months
--     with hours as (
--         select month, sum(count_phone_actions) as count_phone_actions,
--             sum(count_effective) as count_effective
--         from phone_action_hours
--         group by month
--     ),
--     months as (
--         select month, sum(count_phone_actions) as count_phone_actions,
--             sum(count_effective) as count_effective
--         from phone_action_months
--         group by month
--     )
--     select * from hours h
--     full join months m on m.month = h.month
--     where h.count_phone_actions is distinct from m.count_phone_actions
--        or h.count_effective is distinct from m.count_effective

select p.month, isodow(p.action_at) as weekday, hour(p.action_at) as hour,
    v.branch, v.product, p.team, p.collector,
    count(*) as count_phone_actions,
    count(case when p.is_effective then 1 end) as count_effective
from phone_actions p
left join loan_versions v
    on v.loan_id = p.loan_id
   and v.valid_from <= last_day(p.month)
   and v.valid_until > last_day(p.month)
group by p.month, isodow(p.action_at), hour(p.action_at), v.branch, v.product, p.team,
    p.collector
order by p.month
