-- model: case_holdings
-- what: a case's holder and the days it holds the loan, held_from up to (not including)
--     held_until (9999-12-31: still held). From the assignments (a case that ends the day
--     it starts holds no day and is left out), or from each loan's first action of each
--     month (ties: the earlier method, team, collector), held to the month's end.
-- grain: one row per case
-- key: case_id
-- partition: none
-- changes: whole
-- settings: none
-- materialized: temporary table
-- not_null: case_id, loan_id, held_from, held_until
-- holds: a case holds its loan at least one day
--     select * from case_holdings where held_until <= held_from

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
where action_order = 1
