-- Summary tables the measures read, rebuilt from the loaded tables at the end of every
-- load (inside the same rebuilt copy, so they always match the rows they summarise).
-- Each states its grain. Settings come from the temp table mart_settings (grace_days:
-- the promise grace of the config).

-- snapshot_sequence (temporary, dropped below) — one row per loan snapshot, in the loan's
-- order of snapshots: valid_until, the loan's next snapshot date (9999-12-31 for its
-- latest: a date, not null, so a range on it can skip row groups), and starts_version,
-- whether its customer, branch or product differ from the loan's snapshot before it (or it
-- has none before it). One sort of the snapshots gives both tables below.
create or replace temp table snapshot_sequence as
select loan_id, as_of_date,
    coalesce(lead(as_of_date) over by_date, date '9999-12-31') as valid_until,
    overdue_amount, days_past_due, customer_id, branch, product,
    lag(as_of_date) over by_date is null
        or lag(customer_id) over by_date is distinct from customer_id
        or lag(branch) over by_date is distinct from branch
        or lag(product) over by_date is distinct from product as starts_version
from loan_snapshots
window by_date as (partition by loan_id order by as_of_date);

-- loan_snapshot_spans — one row per loan snapshot: its overdue amount and days past due,
-- valid from its date up to (not including) the loan's next snapshot (valid_until).
-- "The loan's last snapshot on or before day D" is the span with as_of_date <= D <
-- valid_until.
create or replace table loan_snapshot_spans as
select loan_id, as_of_date, valid_until, overdue_amount, days_past_due
from snapshot_sequence;

-- loan_versions — one row per loan and run of snapshots with the same customer, branch
-- and product: valid from the first snapshot of the run up to (not including) the first
-- snapshot of the next run (9999-12-31: still valid). A loan's facts "as on its latest
-- snapshot on or before day D" are those of its version with valid_from <= D < valid_until.
create or replace table loan_versions as
select loan_id, customer_id, branch, product, as_of_date as valid_from,
    coalesce(lead(as_of_date) over (partition by loan_id order by as_of_date), date '9999-12-31')
        as valid_until
from snapshot_sequence
where starts_version;

drop table snapshot_sequence;

-- payment_attribution — one row per payment: the last action on its loan (action_id,
-- action_at) dated on or before the payment's date (dates, not times; ties to the later action_at, then the larger
-- action_id) among the actions of the 120 days before it, and `days_since_action`, the
-- days between the two dates. A payment belongs to that action when days_since_action is
-- within the attribution window (at most 120 days, so any window up to that is exact);
-- otherwise, or with no action, it is "no action" (自愈). branch and product are the
-- loan's as on its latest snapshot on or before the last day of the payment's month.
create or replace table payment_attribution as
with candidates as (
    select p.payment_id, a.action_id, a.action_at, a.method, a.team, a.collector,
        cast(p.paid_at as date) - cast(a.action_at as date) as days_since_action
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
select * from final order by paid_at, payment_id;

-- promise_outcomes — one row per promise to pay (an action with a promised amount): who
-- took it, the amount and date promised, due_on = promised date + grace days, the
-- payments on the loan from the day of the promise to due_on (reversals netted), and the
-- verdict: kept (paid >= promised), partly_kept (paid > 0) or broken. A promise counts as
-- judged in a period only once due_on has passed its end (the measures check that).
create or replace table promise_outcomes as
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
select * from final order by action_at, action_id;

-- contact_numbers — one row per number on file (contacts), with its check (phone_checks):
-- a number listed again for the same customer (same normalised number) is a duplicate,
-- counted invalid with reason `duplicate`; the first listing keeps its own verdict.
create or replace table contact_numbers as
with checked as (
    select
        c.customer_id,
        c.phone,
        c.relation,
        c.city,
        k.phone_normalized,
        k.number_type,
        k.is_valid,
        k.invalid_reason,
        row_number() over (
            partition by c.customer_id, coalesce(k.phone_normalized, c.phone)
            order by c.load_id, c.source_line
        ) as listing
    from contacts c
    left join phone_checks k
        on k.phone = c.phone and k.city is not distinct from c.city
)
select
    customer_id,
    phone,
    relation,
    city,
    phone_normalized,
    number_type,
    listing > 1 as is_duplicate,
    is_valid and listing = 1 as is_valid,
    case when listing > 1 then 'duplicate' else invalid_reason end as invalid_reason
from checked;

create or replace table mart_info as
select grace_days as promise_grace_days, 120 as longest_window_days from mart_settings;

-- action_demands — every action with `is_effective_contact` (有效联系: a connected phone
-- call with the debtor, spouse or family, or no relation given) and
-- `is_documented_demand`: whether it documents a demand for payment, which restarts the
-- limitation period: a delivered letter, lawyer's letter, SMS or e-mail; an effective
-- contact; a visit that met the debtor; any legal action.
create or replace view action_demands as
with judged as (
    select *,
        method = 'phone' and outcome = 'connected'
            and coalesce(contact_relation, 'self') in ('self', 'spouse', 'family')
            as is_effective_contact
    from actions
)
select *,
    (method in ('letter', 'lawyer_letter', 'sms', 'email') and outcome = 'delivered')
    or is_effective_contact
    or (method = 'visit' and outcome = 'met')
    or method = 'legal' as is_documented_demand
from judged;

-- documented_demands — the actions that document a demand (see action_demands).
create or replace view documented_demands as
select loan_id, action_at
from action_demands
where is_documented_demand;

-- snapshot_dates — one row per loans snapshot date, with its month and whether it is the
-- month's latest (the snapshot a month's measures read).
create or replace table snapshot_dates as
with dates as (
    select distinct as_of_date from loan_snapshots
)
select as_of_date, date_trunc('month', as_of_date) as month,
    as_of_date = max(as_of_date) over (partition by date_trunc('month', as_of_date))
        as is_month_latest
from dates;

-- days_past_due_buckets — one row per days-past-due value found in the snapshots: the aging
-- bucket of the config it falls in (aging_buckets), so measures find a loan's bucket with
-- an equality join instead of a range join over millions of rows.
create or replace table days_past_due_buckets as
with values_found as (
    select distinct days_past_due from loan_snapshots where days_past_due is not null
)
select v.days_past_due, b.bucket, b.sort_order
from values_found v
join aging_buckets b
    on v.days_past_due >= b.min_days
   and (b.max_days is null or v.days_past_due <= b.max_days);

-- loan_month_worked (temporary, dropped in etl/marts_cases.sql) — one row per loan,
-- calendar month and (method, team, collector) that worked the loan that month: the first
-- and latest action, the latest documented demand (see action_demands), the number of
-- actions and their cost (the row's, else the per-method table). The one pass over the
-- actions that loan_month_actions and the first actions of the cases are built from.
create or replace temp table loan_month_worked as
select date_trunc('month', a.action_at) as month, a.loan_id, a.method, a.team,
    a.collector, min(a.action_at) as first_action_at, max(a.action_at) as last_action_at,
    max(case when a.is_documented_demand then cast(a.action_at as date) end)
        as last_demand_on,
    count(*) as count_actions,
    sum(coalesce(a.cost, m.cost_per_action, 0)) as cost
from action_demands a
left join method_costs m on m.method = a.method
group by date_trunc('month', a.action_at), a.loan_id, a.method, a.team, a.collector;

-- loan_month_totals (temporary, dropped below) — one row per loan and calendar month with
-- actions: the latest action and the latest documented demand of the month.
create or replace temp table loan_month_totals as
select loan_id, month, max(last_action_at) as last_action_at,
    max(last_demand_on) as last_demand_on
from loan_month_worked
group by loan_id, month;

-- loan_month_actions — one row per loan and calendar month with actions: the latest action
-- of the month and the latest documented demand of the month.
-- "Last action on or before day D" = the latest of the months before D's month here, and
-- of D's own month from the actions themselves.
create or replace table loan_month_actions as
select loan_id, month, last_action_at, last_demand_on
from loan_month_totals;

drop table loan_month_totals;
