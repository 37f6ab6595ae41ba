-- model: loan_versions
-- what: a run of a loan's snapshots with the same customer, branch and product: valid from
--     the first snapshot of the run up to (not including) the first snapshot of the next
--     run (9999-12-31: still valid). A loan's facts "as on its latest snapshot on or before
--     day D" are those of its version with valid_from <= D < valid_until.
-- grain: one row per loan and run of snapshots with the same customer, branch and product
-- key: loan_id, valid_from
-- partition: none
-- changes: as_of
-- settings: none
-- materialized: table
-- not_null: loan_id, valid_from, valid_until
-- holds: a version is valid before the next one starts
--     select * from loan_versions where valid_until <= valid_from
-- holds: a loan's versions do not overlap
--     select a.* from loan_versions a
--     join loan_versions b
--         on b.loan_id = a.loan_id and a.valid_from < b.valid_from and a.valid_until > b.valid_from
-- holds: a loan's latest version is still valid
--     select loan_id from loan_versions group by loan_id
--     having max(valid_until) <> date '9999-12-31'

select loan_id, customer_id, branch, product, as_of_date as valid_from,
    coalesce(lead(as_of_date) over (partition by loan_id order by as_of_date), date '9999-12-31')
        as valid_until
from snapshot_sequence
where starts_version
