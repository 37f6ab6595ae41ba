-- model: multi_loan_combinations
-- what: the branch, product, team and collector of the active loans of a customer of
--     multi_loan_customers in a month-latest snapshot; count_combinations: how many such
--     rows the customer has there.
-- grain: one row per month-latest snapshot, customer of multi_loan_customers with active
--     loans in it, and branch, product, team and collector of those loans
-- key: as_of_date, customer_id, branch, product, team, collector
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, customer_id, count_combinations

with combinations as (
    select l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
    from loan_snapshots l
    join snapshot_dates d on d.as_of_date = l.as_of_date
    join multi_loan_customers m on m.customer_id = l.customer_id
    where d.is_month_latest and l.status = 'active'
    group by l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
)
select *, count(*) over (partition by as_of_date, customer_id) as count_combinations
from combinations
