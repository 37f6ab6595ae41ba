-- model: month_book
-- what: the active loans of a month-latest snapshot (snapshot_dates.is_month_latest: the
--     snapshot a month's measures read) in one branch, product, team, collector, aging
--     bucket and five-tier classification: how many loans, their outstanding, and the
--     outstanding of those overdue (days_past_due > 0). bucket is null for days past due
--     that fall in no aging bucket. Dimensions are those of the loan's row on that
--     snapshot, so sums of the book's loans under any filter are sums of these rows.
-- grain: one row per month-latest snapshot and branch, product, team, collector, aging
--     bucket and classification of its active loans
-- key: as_of_date, branch, product, team, collector, bucket, classification
-- partition: as_of_date
-- changes: forward
-- settings: aging_buckets
-- materialized: table
-- not_null: as_of_date, count_loans, outstanding, overdue_outstanding
-- holds: its loans add up to the active loans of the month-latest snapshots
--     with book as (
--         select sum(count_loans) as count_loans, sum(outstanding) as outstanding
--         from month_book
--     ),
--     loans as (
--         select count(*) as count_loans, sum(l.outstanding_balance) as outstanding
--         from loan_snapshots l
--         join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
--         where l.status = 'active'
--     )
--     select * from book, loans
--     where book.count_loans is distinct from loans.count_loans
--        or book.outstanding is distinct from loans.outstanding
-- holds: the overdue outstanding is part of the outstanding
--     select * from month_book where overdue_outstanding > outstanding

select l.as_of_date, l.branch, l.product, l.team, l.collector, b.bucket, l.classification,
    count(*) as count_loans,
    sum(l.outstanding_balance) as outstanding,
    sum(case when l.days_past_due > 0 then l.outstanding_balance else 0 end)
        as overdue_outstanding
from loan_snapshots l
join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
left join days_past_due_buckets b on b.days_past_due = l.days_past_due
where l.status = 'active'
group by l.as_of_date, l.branch, l.product, l.team, l.collector, b.bucket, l.classification
