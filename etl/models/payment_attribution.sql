-- model: payment_attribution
-- what: a payment and the last action on its loan (action_id, action_at) dated on or
--     before the payment's date (dates, not times; ties to the later action_at, then the
--     larger action_id) among the actions of the 120 days before it, and
--     `days_since_action`, the days between the two dates. A payment belongs to that
--     action when days_since_action is within the attribution window (at most 120 days,
--     so any window up to that is exact); otherwise, or with no action, it is "no action"
--     (自愈). branch and product are the loan's as on its latest snapshot on or before the
--     last day of the payment's month.
-- grain: one row per payment
-- key: payment_id
-- partition: paid_at
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: payment_id, loan_id, paid_at, amount
-- holds: attributed + unattributed = every payment, once
--     with parts as (
--         select count(*) as count_payments,
--             coalesce(sum(case when action_id is not null then amount end), 0) as attributed,
--             coalesce(sum(case when action_id is null then amount end), 0) as unattributed
--         from payment_attribution
--     ),
--     paid as (select count(*) as count_payments, coalesce(sum(amount), 0) as amount from payments)
--     select * from parts, paid
--     where parts.count_payments <> paid.count_payments
--        or parts.attributed + parts.unattributed <> paid.amount
-- holds: an attributed action is 0 to 120 days before the payment, on the same loan
--     select p.* from payment_attribution p
--     left join actions a on a.action_id = p.action_id
--     where p.action_id is not null
--       and (p.days_since_action not between 0 and 120 or a.loan_id <> p.loan_id)
-- holds: days_since_action is given exactly when an action is
--     select * from payment_attribution where (action_id is null) <> (days_since_action is null)

with candidates as (
    select p.payment_id, a.action_id, a.action_at, a.method, a.team, a.collector,
        date_diff('day', cast(a.action_at as date), cast(p.paid_at as date)) as days_since_action
    from payments p
    join actions a
        on a.loan_id = p.loan_id
       and cast(a.action_at as date) <= cast(p.paid_at as date)
       and cast(a.action_at as date) >= cast(p.paid_at as date) - 120
),
-- The latest action_at per payment by grouping (cheaper than ranking every candidate),
-- then the larger action_id among the few candidates at that moment.
latest as (
    select payment_id, max(action_at) as action_at
    from candidates
    group by payment_id
),
at_latest as (
    select c.*,
        row_number() over (partition by c.payment_id order by c.action_id desc) as recency
    from candidates c
    join latest l on l.payment_id = c.payment_id and l.action_at = c.action_at
),
months as (
    select p.*, last_day(cast(p.paid_at as date)) as month_end
    from payments p
),
final as (
    select p.payment_id, p.loan_id, p.paid_at, p.amount, v.branch, v.product,
        v.customer_id, c.action_id, c.action_at, c.method, c.team, c.collector,
        c.days_since_action
    from months p
    left join at_latest c on c.payment_id = p.payment_id and c.recency = 1
    left join loan_versions v
        on v.loan_id = p.loan_id
       and v.valid_from <= p.month_end
       and v.valid_until > p.month_end
)
select * from final order by paid_at, payment_id
