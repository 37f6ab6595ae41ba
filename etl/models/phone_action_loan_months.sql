-- model: phone_action_loan_months
-- what: the phone actions of a loan, team and collector in a month: phone actions,
--     connected calls, effective contacts, the best status_rank of the calls (null when
--     none has a status), and the loan's customer, branch and product as on its latest
--     snapshot on or before the month's last day (null when it has none). Grouping by loan
--     before looking up its facts keeps that lookup small.
-- grain: one row per month, loan, team and collector with phone actions
-- key: month, loan_id, team, collector
-- partition: month
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: month, loan_id, count_phone_actions, count_connected, count_effective
-- holds: effective contacts <= connected calls <= phone actions
--     select * from phone_action_loan_months
--     where count_effective > count_connected or count_connected > count_phone_actions

with counted as (
    select p.month, p.loan_id, p.team, p.collector,
        count(*) as count_phone_actions,
        count(case when p.outcome = 'connected' then 1 end) as count_connected,
        count(case when p.is_effective then 1 end) as count_effective,
        min(s.status_rank) as best_rank
    from phone_actions p
    left join reachability_statuses s on s.status = p.reachability
    group by p.month, p.loan_id, p.team, p.collector
)
select c.*, v.customer_id, v.branch, v.product
from counted c
left join loan_versions v
    on v.loan_id = c.loan_id
   and v.valid_from <= last_day(c.month)
   and v.valid_until > last_day(c.month)
