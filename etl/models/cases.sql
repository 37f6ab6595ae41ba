-- model: cases
-- what: a case (委案): its loan and holder, held_from up to (not including) held_until,
--     and its placement: placed_amount (the assignment's amount, else the overdue amount
--     of the placement snapshot, see case_placement_snapshots; 0 with neither),
--     placed_days_past_due (the assignment's, else the placement snapshot's) and its aging
--     bucket, the stage of the case. A case placed at 0 (the loan was not overdue) is no
--     case: the measures leave it out, and payments after actions on it are "paid after
--     contact, not overdue at placement".
-- grain: one row per case (委案)
-- key: case_id
-- partition: none
-- changes: from held_from, end held_until
-- settings: aging_buckets
-- materialized: table
-- not_null: case_id, loan_id, held_from, held_until, placed_amount, placed_bucket,
--     placed_bucket_order
-- holds: one case per holding
--     with counts as (
--         select (select count(*) from cases) as count_cases,
--             (select count(*) from case_holdings) as count_holdings
--     )
--     select * from counts where count_cases <> count_holdings
-- holds: the stage is a bucket of the config, or not_placed
--     select * from cases
--     where placed_bucket <> 'not_placed'
--       and placed_bucket not in (select bucket from aging_buckets)

with placed as (
    select h.case_id, h.loan_id, h.team, h.collector, h.held_from, h.held_until,
        s.as_of_date as placed_on_snapshot,
        cast(coalesce(h.assigned_amount, s.overdue_amount, 0) as decimal(18, 2))
            as placed_amount,
        coalesce(h.assigned_days_past_due, s.days_past_due) as placed_days_past_due
    from case_holdings h
    left join case_placement_snapshots s on s.case_id = h.case_id
)
select p.*, coalesce(b.bucket, 'not_placed') as placed_bucket,
    coalesce(b.sort_order, 1000) as placed_bucket_order
from placed p
left join aging_buckets b
    on p.placed_days_past_due >= b.min_days
   and (b.max_days is null or p.placed_days_past_due <= b.max_days)
