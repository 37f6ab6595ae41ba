-- model: case_months
-- what: a case in a month it holds its loan: the holder, the loan's branch and product as
--     on its latest snapshot on or before the month's end, the placement, paid (the loan's
--     payments dated in the month while the case held it, reversals netted), recovered =
--     paid within 0 and the placed amount (min(paid, placed): the holder's recovery),
--     is_cured (recovered reaches placed), and the actions that worked the case that month
--     and their cost.
-- grain: one row per case (placed above 0) and calendar month it holds its loan on at
--     least one day
-- key: month, case_id
-- partition: month
-- changes: forward
-- settings: aging_buckets, method_cost
-- materialized: table
-- not_null: month, case_id, loan_id, placed, bucket, paid, recovered, is_cured,
--     count_actions, cost
-- holds: 0 <= recovered <= placed
--     select * from case_months where recovered < 0 or recovered > placed
-- holds: placed above 0
--     select * from case_months where placed <= 0
-- holds: cured exactly when recovered reaches placed
--     select * from case_months where is_cured <> (recovered >= placed)

with held as (
    select m.month, m.month_after, c.case_id, c.loan_id, c.team, c.collector, c.held_from,
        c.held_until, c.placed_amount, c.placed_bucket, c.placed_bucket_order,
        greatest(c.held_from, m.month) as month_from,
        least(c.held_until, m.month_after) as month_until
    from cases c
    join book_months m on c.held_from < m.month_after and c.held_until > m.month
    where c.placed_amount > 0
),
paid as (
    select h.month, h.case_id, sum(p.amount) as paid
    from held h
    join payments p
        on p.loan_id = h.loan_id
       and cast(p.paid_at as date) >= h.month_from
       and cast(p.paid_at as date) < h.month_until
    group by h.month, h.case_id
),
worked as (
    select month, case_id, sum(count_actions) as count_actions, sum(cost) as cost
    from case_actions
    group by month, case_id
)
select h.month, h.case_id, h.loan_id, h.team, h.collector, v.branch, v.product,
    h.held_from, h.placed_amount as placed, h.placed_bucket as bucket,
    h.placed_bucket_order as bucket_order,
    cast(coalesce(p.paid, 0) as decimal(18, 2)) as paid,
    cast(least(greatest(coalesce(p.paid, 0), 0), h.placed_amount) as decimal(18, 2))
        as recovered,
    least(greatest(coalesce(p.paid, 0), 0), h.placed_amount) >= h.placed_amount as is_cured,
    cast(coalesce(w.count_actions, 0) as bigint) as count_actions,
    cast(coalesce(w.cost, 0) as decimal(18, 2)) as cost
from held h
left join paid p on p.month = h.month and p.case_id = h.case_id
left join worked w on w.month = h.month and w.case_id = h.case_id
left join loan_versions v
    on v.loan_id = h.loan_id
   and v.valid_from < h.month_after
   and v.valid_until >= h.month_after
