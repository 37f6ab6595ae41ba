-- model: book_shared_customers
-- what: a customer whose active loans in a month-latest snapshot differ in branch,
--     product, team or collector, in each of those combinations (the book's customers
--     that book_number_counts leaves out), with the customer's numbers on file, valid
--     ones and invalid ones (the same on each of its rows).
-- grain: one row per month-latest snapshot date, customer whose active loans in it
--     differ, and each combination of branch, product, team and collector of those loans
-- key: as_of_date, customer_id, branch, product, team, collector
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, customer_id, count_numbers, count_valid, count_invalid
-- holds: with book_number_counts' customers, the book's customers, each once
--     with book as (
--         select l.as_of_date, count(distinct l.customer_id) as count_customers
--         from loan_snapshots l
--         join snapshot_dates s on s.as_of_date = l.as_of_date and s.is_month_latest
--         where l.status = 'active'
--         group by l.as_of_date
--     ),
--     sole as (
--         select as_of_date, sum(count_customers) as count_customers
--         from book_number_counts
--         group by as_of_date
--     ),
--     shared as (
--         select as_of_date, count(distinct customer_id) as count_customers
--         from book_shared_customers
--         group by as_of_date
--     )
--     select b.*, o.count_customers as sole, s.count_customers as shared
--     from book b
--     left join sole o on o.as_of_date = b.as_of_date
--     left join shared s on s.as_of_date = b.as_of_date
--     where b.count_customers <> coalesce(o.count_customers, 0) + coalesce(s.count_customers, 0)

select c.as_of_date, c.customer_id, c.branch, c.product, c.team, c.collector,
    coalesce(n.count_numbers, 0) as count_numbers,
    coalesce(n.count_valid, 0) as count_valid,
    coalesce(n.count_invalid, 0) as count_invalid
from multi_loan_combinations c
left join customer_number_counts n on n.customer_id = c.customer_id
where c.count_combinations > 1
order by c.as_of_date
