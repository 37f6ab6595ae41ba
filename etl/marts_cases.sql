-- Cases (委案) and what they recovered (docs/metrics.md, Recovery), read after etl/marts.sql.
-- A case is a loan placed with a holder (a team, and within it a collector). Where the
-- placements come from: the assignments file when the book has one, else one case per
-- loan and month, held by the team and collector of the loan's first action that month.

-- case_source — one row: `assignments` when the book has any, else `first_action`.
create or replace table case_source as
select case when exists (select 1 from assignments) then 'assignments' else 'first_action' end
    as recovery_source;

-- book_months (temporary) — one row per calendar month from the book's first snapshot,
-- action, payment or assignment to its last snapshot, action or payment: month (first day) and month_after (the next first day).
create or replace temp table book_months as
with recursive bounds as (
    select min(first_day) as first_month, max(first_day) as last_month
    from (
        select date_trunc('month', min(as_of_date)) as first_day from loan_snapshots
        union all select date_trunc('month', max(as_of_date)) from loan_snapshots
        union all select date_trunc('month', min(action_at)) from actions
        union all select date_trunc('month', max(action_at)) from actions
        union all select date_trunc('month', min(paid_at)) from payments
        union all select date_trunc('month', max(paid_at)) from payments
        union all select date_trunc('month', min(assigned_on)) from assignments
    ) found
),
months (month) as (
    select cast(first_month as date) from bounds where first_month is not null
    union all
    select cast(month + interval 1 month as date)
    from months
    where month < (select cast(last_month as date) from bounds)
)
select month, cast(month + interval 1 month as date) as month_after
from months;

-- case_holdings (temporary) — one row per case: its holder and the days it holds the loan,
-- held_from up to (not including) held_until (9999-12-31: still held). From the
-- assignments (a case that ends the day it starts holds no day and is left out), or
-- from each loan's first action of each month (ties: the earlier method, team, collector),
-- held to the month's end.
create or replace temp table case_holdings as
with first_actions as (
    select loan_id, month, team, collector, first_action_at,
        row_number() over (
            partition by loan_id, month
            order by first_action_at, method, team, collector
        ) as action_order
    from loan_month_worked
    where (select recovery_source from case_source) = 'first_action'
)
select assignment_id as case_id, loan_id, team, collector, assigned_on as held_from,
    coalesce(ended_on, date '9999-12-31') as held_until, assigned_amount,
    days_past_due as assigned_days_past_due
from assignments
where ended_on is null or ended_on > assigned_on
union all
select loan_id || '|' || cast(cast(month as date) as varchar) as case_id, loan_id, team,
    collector, cast(first_action_at as date) as held_from,
    cast(month + interval 1 month as date) as held_until,
    cast(null as decimal(18, 2)) as assigned_amount, cast(null as integer)
from first_actions
where action_order = 1;

drop table loan_month_worked;

-- case_placement_snapshots (temporary) — one row per case with a snapshot of its loan to
-- place it by: the last on or before held_from, else (a book whose first snapshot comes
-- after the case started) the first after it, with the loan's payments from held_from to
-- that snapshot's date added back to its overdue amount and the days between taken off its
-- days past due; when that leaves no day past due, the loan was not yet overdue on
-- held_from, and the overdue amount is 0.
create or replace temp table case_placement_snapshots as
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
left join paid_before b on b.case_id = f.case_id;

-- cases — one row per case (委案): its loan and holder, held_from up to (not including)
-- held_until, and its placement: placed_amount (the assignment's amount, else the overdue
-- amount of the placement snapshot, see case_placement_snapshots; 0 with neither),
-- placed_days_past_due (the assignment's, else the placement snapshot's) and its aging
-- bucket, the stage of the case. A case placed at 0 (the loan was not overdue) is no case:
-- the measures leave it out, and payments after actions on it are "paid after contact,
-- not overdue at placement". Key: case_id.
create or replace table cases as
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
   and (b.max_days is null or p.placed_days_past_due <= b.max_days);

drop table case_placement_snapshots;

drop table case_holdings;

-- case_actions (temporary) — one row per calendar month, case (placed above 0) and method:
-- the actions of that method on the case's loan while the case held it (the case each
-- action works), their number and cost (the row's, else the per-method table).
create or replace temp table case_actions as
select cast(date_trunc('month', a.action_at) as date) as month, c.case_id, a.method,
    count(*) as count_actions, sum(coalesce(a.cost, m.cost_per_action, 0)) as cost
from actions a
join cases c
    on c.loan_id = a.loan_id
   and c.held_from <= cast(a.action_at as date)
   and c.held_until > cast(a.action_at as date)
left join method_costs m on m.method = a.method
where c.placed_amount > 0
group by cast(date_trunc('month', a.action_at) as date), c.case_id, a.method;

-- case_months — one row per case (placed above 0) and calendar month it holds its loan
-- on at least one day: the holder, the loan's branch and product as on its latest
-- snapshot on or before the month's end, the placement, paid (the loan's payments dated in
-- the month while the case held it, reversals netted), recovered = paid within 0 and the
-- placed amount (min(paid, placed): the holder's recovery), is_cured (recovered reaches
-- placed), and the actions that worked the case that month and their cost.
-- Key: (month, case_id). Invariant: 0 <= recovered <= placed.
create or replace table case_months as
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
    h.held_from, h.held_until, h.placed_amount as placed, h.placed_bucket as bucket,
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
   and v.valid_until >= h.month_after;

-- case_method_months — one row per calendar month, case and method whose actions worked
-- the case that month (case_actions), with the case's holder, branch and product and
-- placement as in case_months. Key: (month, case_id, method).
create or replace table case_method_months as
select a.month, a.case_id, a.method, c.loan_id, c.team, c.collector, c.branch, c.product,
    c.placed, c.bucket, c.bucket_order, cast(a.count_actions as bigint) as count_actions,
    cast(a.cost as decimal(18, 2)) as cost
from case_actions a
join case_months c on c.month = a.month and c.case_id = a.case_id;

drop table case_actions;

-- payment_cases — one row per payment: the payment and its attribution (payment_attribution),
-- the case (placed above 0) its attributed action worked, with that case's holder and
-- placement (null: the action worked no case, or there is no action), the case holding the
-- loan on the payment's date (holder_case_id, holder_team, holder_collector), and
-- is_in_collection: the loan was overdue on its last snapshot before the payment's month or
-- on a snapshot within it, or a case held it in that month. Key: payment_id.
create or replace table payment_cases as
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
left join held_in_month m on m.payment_id = p.payment_id;

drop table book_months;
