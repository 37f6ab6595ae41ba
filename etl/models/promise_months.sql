-- model: promise_months
-- what: promises made in a month (count_made; taken on a phone call:
--     count_phone_promises) and promises falling due in it (due_on, the promised date +
--     grace, within the month) with their verdicts, for one branch, product, team and
--     collector. team and collector are those of the action that took the promise; branch
--     and product the loan's as on its latest snapshot on or before the month's end (null
--     when it has none), as the promise measures filter them.
-- grain: one row per calendar month and (branch, product, team, collector) with promises
--     made or falling due in it
-- key: month, branch, product, team, collector
-- partition: month
-- changes: forward
-- settings: promise_grace_days
-- materialized: table
-- not_null: month, count_made, count_phone_promises, count_due, count_kept,
--     count_partly_kept, count_broken
-- holds: kept + partly kept + broken = due
--     select * from promise_months
--     where count_kept + count_partly_kept + count_broken <> count_due
-- holds: the promises made, and those due, each add up to every promise
--     with summed as (
--         select sum(count_made) as count_made, sum(count_due) as count_due
--         from promise_months
--     ),
--     promises as (select count(*) as count_promises from promise_outcomes)
--     select * from summed, promises
--     where summed.count_made is distinct from promises.count_promises
--        or summed.count_due is distinct from promises.count_promises

with made as (
    select cast(date_trunc('month', action_at) as date) as month, loan_id, team, collector,
        1 as made, case when method = 'phone' then 1 else 0 end as phone_made,
        0 as due, 0 as kept, 0 as partly_kept, 0 as broken
    from promise_outcomes
),
due as (
    select cast(date_trunc('month', due_on) as date) as month, loan_id, team, collector,
        0, 0, 1,
        case when verdict = 'kept' then 1 else 0 end,
        case when verdict = 'partly_kept' then 1 else 0 end,
        case when verdict = 'broken' then 1 else 0 end
    from promise_outcomes
),
events as (
    select * from made
    union all
    select * from due
),
final as (
    select e.month, v.branch, v.product, e.team, e.collector,
        cast(sum(e.made) as bigint) as count_made,
        cast(sum(e.phone_made) as bigint) as count_phone_promises,
        cast(sum(e.due) as bigint) as count_due,
        cast(sum(e.kept) as bigint) as count_kept,
        cast(sum(e.partly_kept) as bigint) as count_partly_kept,
        cast(sum(e.broken) as bigint) as count_broken
    from events e
    left join loan_versions v
        on v.loan_id = e.loan_id
       and v.valid_from <= last_day(e.month)
       and v.valid_until > last_day(e.month)
    group by e.month, v.branch, v.product, e.team, e.collector
)
select * from final order by month
