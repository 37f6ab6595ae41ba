-- model: promise_outcomes
-- what: a promise to pay (an action with a promised amount): who took it, the amount and
--     date promised, due_on = promised date + grace days (promise_grace_days), the payments
--     on the loan from the day of the promise to due_on (reversals netted), and the
--     verdict: kept (paid >= promised), partly_kept (paid > 0) or broken. A promise counts
--     as judged in a period only once due_on has passed its end (the measures check that).
-- grain: one row per promise to pay (action with a promised amount)
-- key: action_id
-- partition: action_at
-- changes: from action_at
-- settings: promise_grace_days
-- materialized: table
-- not_null: action_id, loan_id, promised_amount, promised_date, due_on, paid_amount, verdict
-- holds: one row per action with a promised amount
--     with counts as (
--         select (select count(*) from promise_outcomes) as count_outcomes,
--             (select count(*) from actions where promised_amount is not null) as count_promises
--     )
--     select * from counts where count_outcomes <> count_promises
-- holds: due_on = promised_date + the grace days of the config
--     select * from promise_outcomes
--     where due_on <> promised_date + (select grace_days from mart_settings)

with promises as (
    select a.action_id, a.loan_id, a.action_at, a.method, a.team, a.collector,
        a.promised_amount, a.promised_date,
        a.promised_date + (select grace_days from mart_settings) as due_on
    from actions a
    where a.promised_amount is not null
),
paid as (
    select p.action_id, coalesce(sum(pay.amount), 0) as paid_amount
    from promises p
    left join payments pay
        on pay.loan_id = p.loan_id
       and cast(pay.paid_at as date) between cast(p.action_at as date) and p.due_on
    group by p.action_id
),
final as (
    select p.*, d.paid_amount,
        case
            when d.paid_amount >= p.promised_amount then 'kept'
            when d.paid_amount > 0 then 'partly_kept'
            else 'broken'
        end as verdict
    from promises p
    join paid d on d.action_id = p.action_id
)
select * from final order by action_at, action_id
