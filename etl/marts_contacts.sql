-- Summary tables of the contact measures (queries/contacts.py, queries/league.py), built
-- after etl/marts.sql (they read loan_versions, snapshot_dates and contact_numbers).
-- Phone actions are counted at a grain that still answers every filter those measures
-- honour: the month, the loan's branch and product as on its latest snapshot on or before
-- the month's last day, and the team and collector of the action.

-- reachability_statuses — one row per reachability status of a customer, best first
-- (status_rank 1): a customer called in a month gets the best status over its calls.
create or replace table reachability_statuses as
select * from (
    values ('reached', 1), ('third_party', 2), ('no_answer', 3), ('switched_off', 4),
           ('unreachable', 5)
) as statuses (status, status_rank);

-- phone_actions — every phone action with its calendar month (its first day), whether it
-- was an effective contact (as the view action_demands judges it) and its reachability
-- status (a status of reachability_statuses; null for other outcomes). A view: the tables
-- below read it.
create or replace view phone_actions as
with calls as (
    select a.action_id, a.loan_id, a.action_at, a.team, a.collector, a.outcome,
        a.contact_relation, cast(date_trunc('month', a.action_at) as date) as month,
        a.is_effective_contact as is_effective
    from action_demands a
    where a.method = 'phone'
)
select *,
    case
        when is_effective then 'reached'
        when outcome = 'connected' then 'third_party'
        when outcome in ('no_answer', 'busy', 'rejected') then 'no_answer'
        when outcome in ('powered_off', 'suspended') then 'switched_off'
        when outcome in ('invalid_number', 'wrong_number') then 'unreachable'
    end as reachability
from calls;

-- phone_action_loan_months (temporary, dropped below) — one row per month, loan, team and
-- collector with phone actions: phone actions, connected calls, effective contacts, the
-- best status_rank of the calls (null when none has a status), and the loan's customer,
-- branch and product as on its latest snapshot on or before the month's last day (null
-- when it has none). Grouping by loan before looking up its facts keeps that lookup small.
create or replace temp table phone_action_loan_months as
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
   and v.valid_until > last_day(c.month);

-- phone_action_months — one row per month (its first day), branch, product, team and
-- collector with phone actions: phone actions, connected calls and effective contacts.
-- Branch and product are the loan's as on its latest snapshot on or before the month's
-- last day (null when it has none); team and collector those of the action. Additive: the
-- phone actions, connected calls and effective contacts of any month under any of those
-- filters are sums of it (contact_summary, contact_trend, contacts_by, and the effective
-- contacts a PTP rate divides by).
create or replace table phone_action_months as
select month, branch, product, team, collector,
    cast(sum(count_phone_actions) as bigint) as count_phone_actions,
    cast(sum(count_connected) as bigint) as count_connected,
    cast(sum(count_effective) as bigint) as count_effective
from phone_action_loan_months
group by month, branch, product, team, collector
order by month;

-- customer_reachability_months — one row per month, customer, branch, product, team and
-- collector with calls that have a reachability status (customer, branch and product as
-- in phone_action_months): the best status_rank of those calls. A customer's status under
-- any filters is the best rank over its rows that pass them (reachability).
create or replace table customer_reachability_months as
select month, customer_id, branch, product, team, collector, min(best_rank) as best_rank
from phone_action_loan_months
where best_rank is not null
group by month, customer_id, branch, product, team, collector
order by month;

-- The intermediate table above is not kept.
drop table phone_action_loan_months;

-- phone_action_hours — one row per month, ISO weekday (1 = Monday), hour (0..23) of the
-- local action time, branch, product, team and collector with phone actions (as in
-- phone_action_months): phone actions and effective contacts (best_time_to_call).
create or replace table phone_action_hours as
select p.month, isodow(p.action_at) as weekday, hour(p.action_at) as hour,
    v.branch, v.product, p.team, p.collector,
    count(*) as count_phone_actions,
    count(case when p.is_effective then 1 end) as count_effective
from phone_actions p
left join loan_versions v
    on v.loan_id = p.loan_id
   and v.valid_from <= last_day(p.month)
   and v.valid_until > last_day(p.month)
group by p.month, isodow(p.action_at), hour(p.action_at), v.branch, v.product, p.team,
    p.collector
order by p.month;

-- Numbers on file of the book's customers (invalid_numbers_summary and
-- invalid_numbers_by_reason): the book is the active loans of a month's latest snapshot,
-- filtered by the branch, product, team and collector on those snapshot rows; its
-- customers are counted once each. A customer whose active loans there all share one
-- branch, product, team and collector (nearly all) is summed into book_number_counts and
-- book_invalid_reasons; the few whose loans differ are listed in book_shared_customers,
-- for the measures to count once under whatever filters.

-- multi_loan_customers (temporary, dropped below) — one row per customer with more than
-- one loan (loan_versions): the only customers who can have several active loans in a
-- snapshot.
create or replace temp table multi_loan_customers as
select customer_id
from loan_versions
group by customer_id
having count(distinct loan_id) > 1;

-- multi_loan_combinations (temporary, dropped below) — one row per month-latest snapshot,
-- customer of multi_loan_customers with active loans in it, and branch, product, team and
-- collector of those loans; count_combinations: how many such rows the customer has there.
create or replace temp table multi_loan_combinations as
with combinations as (
    select l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
    from loan_snapshots l
    join snapshot_dates d on d.as_of_date = l.as_of_date
    join multi_loan_customers m on m.customer_id = l.customer_id
    where d.is_month_latest and l.status = 'active'
    group by l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
)
select *, count(*) over (partition by as_of_date, customer_id) as count_combinations
from combinations;

-- book_sole_customers (temporary, dropped below) — one row per month-latest snapshot and
-- customer whose active loans in it all have one branch, product, team and collector,
-- with those values: the customers with one loan, and those of multi_loan_combinations
-- with one combination.
create or replace temp view book_sole_customers as
select l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
from loan_snapshots l
join snapshot_dates d on d.as_of_date = l.as_of_date
left join multi_loan_customers m on m.customer_id = l.customer_id
where d.is_month_latest and l.status = 'active' and m.customer_id is null
union all
select as_of_date, customer_id, branch, product, team, collector
from multi_loan_combinations
where count_combinations = 1;

-- customer_number_counts (temporary, dropped below) — one row per customer with numbers on
-- file (contact_numbers): numbers, valid ones and invalid ones.
create or replace temp table customer_number_counts as
select customer_id,
    count(*) as count_numbers,
    count(case when is_valid then 1 end) as count_valid,
    count(case when not is_valid then 1 end) as count_invalid
from contact_numbers
group by customer_id;

-- book_number_counts — one row per month-latest snapshot date, branch, product, team and
-- collector of the customers whose active loans in that snapshot all have those values
-- (book_sole_customers): those customers, their numbers on file, the invalid ones, and
-- the customers with no valid number (none on file counts as none valid).
create or replace table book_number_counts as
select b.as_of_date, b.branch, b.product, b.team, b.collector,
    count(*) as count_customers,
    cast(coalesce(sum(n.count_numbers), 0) as bigint) as count_numbers,
    cast(coalesce(sum(n.count_invalid), 0) as bigint) as count_invalid,
    count(case when coalesce(n.count_valid, 0) = 0 then 1 end)
        as count_customers_without_valid_number
from book_sole_customers b
left join customer_number_counts n on n.customer_id = b.customer_id
group by b.as_of_date, b.branch, b.product, b.team, b.collector
order by b.as_of_date;

-- book_invalid_reasons — one row per month-latest snapshot date, branch, product, team,
-- collector and invalid_reason (contact_numbers) of the customers of book_number_counts:
-- their invalid numbers on file with that reason.
create or replace table book_invalid_reasons as
select b.as_of_date, b.branch, b.product, b.team, b.collector, n.invalid_reason,
    count(*) as count_numbers
from book_sole_customers b
join contact_numbers n on n.customer_id = b.customer_id
where not n.is_valid
group by b.as_of_date, b.branch, b.product, b.team, b.collector, n.invalid_reason
order by b.as_of_date;

-- book_shared_customers — one row per month-latest snapshot date, customer whose active
-- loans in it differ in branch, product, team or collector, and each of those
-- combinations (the book's customers that book_number_counts leaves out), with the
-- customer's numbers on file, valid ones and invalid ones (the same on each of its rows).
create or replace table book_shared_customers as
select c.as_of_date, c.customer_id, c.branch, c.product, c.team, c.collector,
    coalesce(n.count_numbers, 0) as count_numbers,
    coalesce(n.count_valid, 0) as count_valid,
    coalesce(n.count_invalid, 0) as count_invalid
from multi_loan_combinations c
left join customer_number_counts n on n.customer_id = c.customer_id
where c.count_combinations > 1
order by c.as_of_date;

-- shared_customer_invalid_reasons — one row per customer of book_shared_customers and
-- invalid_reason of its invalid numbers on file (contact_numbers): those numbers.
create or replace table shared_customer_invalid_reasons as
select n.customer_id, n.invalid_reason, count(*) as count_numbers
from contact_numbers n
where not n.is_valid
  and n.customer_id in (select customer_id from book_shared_customers)
group by n.customer_id, n.invalid_reason;

-- The intermediate tables and view above are not kept.
drop view book_sole_customers;

drop table multi_loan_combinations;

drop table multi_loan_customers;

drop table customer_number_counts;
