-- model: payment_cases
-- what: a payment and its attribution (payment_attribution), the case (placed above 0) its
--     attributed action worked, with that case's holder and placement (null: the action
--     worked no case, or there is no action), the case holding the loan on the payment's
--     date (holder_case_id, holder_team, holder_collector), and is_in_collection: the loan
--     was overdue on its last snapshot before the payment's month or on a snapshot within
--     it, or a case held it in that month.
-- grain: one row per payment
-- key: payment_id
-- partition: paid_at
-- changes: forward
-- settings: aging_buckets, method_cost
-- materialized: table
-- not_null: payment_id, loan_id, paid_at, amount, is_in_collection
-- holds: every payment once, its amount whole
--     with counts as (
--         select count(*) as count_payments, coalesce(sum(amount), 0) as amount
--         from payment_cases
--     ),
--     paid as (select count(*) as count_payments, coalesce(sum(amount), 0) as amount from payments)
--     select * from counts, paid
--     where counts.count_payments <> paid.count_payments or counts.amount <> paid.amount
-- holds: a case worked is one its attributed action worked
--     select * from payment_cases where worked_case_id is not null and action_id is null
-- holds: a payment a case held is in collection
--     select * from payment_cases where holder_case_id is not null and not is_in_collection

with worked as (
    select p.payment_id, c.case_id, c.team, c.collector, c.placed_amount, c.placed_bucket,
        c.placed_bucket_order
    from payment_attribution p
    join cases c
        on c.loan_id = p.loan_id
       and c.held_from <= cast(p.action_at as date)
       and c.held_until > cast(p.action_at as date)
    where c.placed_amount > 0
),
holding as (
    select p.payment_id, c.case_id, c.team, c.collector
    from payments p
    join cases c
        on c.loan_id = p.loan_id
       and c.held_from <= cast(p.paid_at as date)
       and c.held_until > cast(p.paid_at as date)
    where c.placed_amount > 0
),
overdue as (
    select distinct p.payment_id
    from payments p
    join loan_snapshot_spans s
        on s.loan_id = p.loan_id
       and s.days_past_due > 0
       and s.as_of_date < cast(date_trunc('month', p.paid_at) + interval 1 month as date)
       and s.valid_until >= cast(date_trunc('month', p.paid_at) as date)
),
held_in_month as (
    select distinct p.payment_id
    from payments p
    join case_months c
        on c.loan_id = p.loan_id
       and c.month = cast(date_trunc('month', p.paid_at) as date)
)
select p.payment_id, p.loan_id, p.paid_at, p.amount, p.branch, p.product, p.action_id,
    p.action_at, p.method, p.team as action_team, p.collector as action_collector,
    p.days_since_action,
    w.case_id as worked_case_id, w.team as worked_team, w.collector as worked_collector,
    w.placed_amount as worked_placed, w.placed_bucket as worked_bucket,
    w.placed_bucket_order as worked_bucket_order,
    h.case_id as holder_case_id, h.team as holder_team, h.collector as holder_collector,
    (o.payment_id is not null or m.payment_id is not null) as is_in_collection
from payment_attribution p
left join worked w on w.payment_id = p.payment_id
left join holding h on h.payment_id = p.payment_id
left join overdue o on o.payment_id = p.payment_id
left join held_in_month m on m.payment_id = p.payment_id
