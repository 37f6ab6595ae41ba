-- model: days_past_due_buckets
-- what: a days-past-due value found in the snapshots and the aging bucket of the config it
--     falls in (aging_buckets), so measures find a loan's bucket with an equality join
--     instead of a range join over millions of rows. A value in no bucket has no row.
-- grain: one row per days-past-due value found in the snapshots that falls in a bucket
-- key: days_past_due
-- partition: none
-- changes: as_of
-- settings: aging_buckets
-- materialized: table
-- not_null: days_past_due, bucket, sort_order
-- holds: the value is within its bucket's days
--     select v.* from days_past_due_buckets v
--     join aging_buckets b on b.bucket = v.bucket
--     where v.days_past_due < b.min_days or v.days_past_due > b.max_days

with values_found as (
    select distinct days_past_due from loan_snapshots where days_past_due is not null
)
select v.days_past_due, b.bucket, b.sort_order
from values_found v
join aging_buckets b
    on v.days_past_due >= b.min_days
   and (b.max_days is null or v.days_past_due <= b.max_days)
