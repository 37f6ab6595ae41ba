-- model: book_sole_customers
-- what: a customer whose active loans in a month-latest snapshot all have one branch,
--     product, team and collector, with those values: the customers with one loan, and
--     those of multi_loan_combinations with one combination.
-- grain: one row per month-latest snapshot and customer whose active loans in it share
--     one branch, product, team and collector
-- key: as_of_date, customer_id
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: temporary view
-- not_null: as_of_date, customer_id

select l.as_of_date, l.customer_id, l.branch, l.product, l.team, l.collector
from loan_snapshots l
join snapshot_dates d on d.as_of_date = l.as_of_date
left join multi_loan_customers m on m.customer_id = l.customer_id
where d.is_month_latest and l.status = 'active' and m.customer_id is null
union all
select as_of_date, customer_id, branch, product, team, collector
from multi_loan_combinations
where count_combinations = 1
