-- model: book_number_counts
-- what: the customers whose active loans in a month-latest snapshot all have one branch,
--     product, team and collector (book_sole_customers): those customers, their numbers on
--     file, the invalid ones, and the customers with no valid number (none on file counts
--     as none valid). The book is the active loans of a month's latest snapshot, filtered
--     by the branch, product, team and collector on those snapshot rows; its customers are
--     counted once each: nearly all here, the few whose loans differ in
--     book_shared_customers.
-- grain: one row per month-latest snapshot date, branch, product, team and collector of
--     the customers of book_sole_customers
-- key: as_of_date, branch, product, team, collector
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, count_customers, count_numbers, count_invalid,
--     count_customers_without_valid_number
-- holds: invalid numbers <= numbers, customers without a valid number <= customers
--     select * from book_number_counts
--     where count_invalid > count_numbers or count_customers_without_valid_number > count_customers

select b.as_of_date, b.branch, b.product, b.team, b.collector,
    count(*) as count_customers,
    cast(coalesce(sum(n.count_numbers), 0) as bigint) as count_numbers,
    cast(coalesce(sum(n.count_invalid), 0) as bigint) as count_invalid,
    count(case when coalesce(n.count_valid, 0) = 0 then 1 end)
        as count_customers_without_valid_number
from book_sole_customers b
left join customer_number_counts n on n.customer_id = b.customer_id
group by b.as_of_date, b.branch, b.product, b.team, b.collector
order by b.as_of_date
