-- model: snapshot_sequence
-- what: each loan snapshot in the loan's order of snapshots: valid_until, the loan's next
--     snapshot date (9999-12-31 for its latest: a date, not null, so a range on it can skip
--     row groups), and starts_version, whether its customer, branch or product differ from
--     the loan's snapshot before it (or it has none before it). One sort of the snapshots
--     gives both loan_snapshot_spans and loan_versions.
-- grain: one row per loan snapshot
-- key: loan_id, as_of_date
-- partition: as_of_date
-- changes: as_of
-- settings: none
-- materialized: temporary table
-- not_null: loan_id, as_of_date, valid_until, starts_version
-- holds: a snapshot is valid before the loan's next one
--     select * from snapshot_sequence where valid_until <= as_of_date

select loan_id, as_of_date,
    coalesce(lead(as_of_date) over by_date, date '9999-12-31') as valid_until,
    overdue_amount, days_past_due, customer_id, branch, product,
    lag(as_of_date) over by_date is null
        or lag(customer_id) over by_date is distinct from customer_id
        or lag(branch) over by_date is distinct from branch
        or lag(product) over by_date is distinct from product as starts_version
from loan_snapshots
window by_date as (partition by loan_id order by as_of_date)
