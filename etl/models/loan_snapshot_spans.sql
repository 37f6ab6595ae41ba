-- model: loan_snapshot_spans
-- what: a loan snapshot's overdue amount and days past due, valid from its date up to (not
--     including) the loan's next snapshot (valid_until). "The loan's last snapshot on or
--     before day D" is the span with as_of_date <= D < valid_until.
-- grain: one row per loan snapshot
-- key: loan_id, as_of_date
-- partition: as_of_date
-- changes: as_of
-- settings: none
-- materialized: table
-- not_null: loan_id, as_of_date, valid_until
-- holds: one span per loan snapshot
--     with counts as (
--         select (select count(*) from loan_snapshots) as count_snapshots,
--             (select count(*) from loan_snapshot_spans) as count_spans
--     )
--     select * from counts where count_snapshots <> count_spans
-- holds: a span ends on the loan's next snapshot date, or 9999-12-31
--     select s.* from loan_snapshot_spans s
--     where s.valid_until <> date '9999-12-31'
--       and not exists (
--           select 1 from loan_snapshot_spans n
--           where n.loan_id = s.loan_id and n.as_of_date = s.valid_until
--       )

select loan_id, as_of_date, valid_until, overdue_amount, days_past_due
from snapshot_sequence
