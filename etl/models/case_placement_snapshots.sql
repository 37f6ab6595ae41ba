-- model: case_placement_snapshots
-- what: the snapshot of a case's loan to place it by: the last on or before held_from,
--     else (a book whose first snapshot comes after the case started) the first after it,
--     with the loan's payments from held_from to that snapshot's date added back to its
--     overdue amount and the days between taken off its days past due; when that leaves no
--     day past due, the loan was not yet overdue on held_from, and the overdue amount is 0.
-- grain: one row per case with a snapshot of its loan to place it by
-- key: case_id
-- partition: none
-- changes: whole
-- settings: none
-- materialized: temporary table
-- not_null: case_id, as_of_date
-- holds: days past due are never below 0
--     select * from case_placement_snapshots where days_past_due < 0

with on_or_before as (
    select h.case_id, s.as_of_date, s.overdue_amount, s.days_past_due
    from case_holdings h
    join loan_snapshot_spans s
        on s.loan_id = h.loan_id
       and s.as_of_date <= h.held_from
       and s.valid_until > h.held_from
),
unplaced as (
    select h.case_id, h.loan_id, h.held_from
    from case_holdings h
    where not exists (select 1 from on_or_before b where b.case_id = h.case_id)
),
first_after as (
    select u.case_id, u.loan_id, u.held_from, min(s.as_of_date) as as_of_date
    from unplaced u
    join loan_snapshot_spans s on s.loan_id = u.loan_id and s.as_of_date > u.held_from
    group by u.case_id, u.loan_id, u.held_from
),
paid_before as (
    select f.case_id, sum(p.amount) as paid
    from first_after f
    join payments p
        on p.loan_id = f.loan_id
       and cast(p.paid_at as date) >= f.held_from
       and cast(p.paid_at as date) <= f.as_of_date
    group by f.case_id
)
select case_id, as_of_date, overdue_amount, days_past_due
from on_or_before
union all
select f.case_id, f.as_of_date,
    case
        when s.days_past_due - date_diff('day', f.held_from, f.as_of_date) > 0
        then s.overdue_amount + coalesce(b.paid, 0)
        else 0
    end as overdue_amount,
    greatest(0, s.days_past_due - date_diff('day', f.held_from, f.as_of_date))
        as days_past_due
from first_after f
join loan_snapshot_spans s on s.loan_id = f.loan_id and s.as_of_date = f.as_of_date
left join paid_before b on b.case_id = f.case_id
