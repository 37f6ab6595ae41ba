-- model: book_invalid_reasons
-- what: the invalid numbers on file with one invalid_reason (contact_numbers) of the
--     customers of book_number_counts.
-- grain: one row per month-latest snapshot date, branch, product, team, collector and
--     invalid_reason
-- key: as_of_date, branch, product, team, collector, invalid_reason
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, count_numbers
-- holds: the reasons add up to book_number_counts' invalid numbers
--     with reasons as (
--         select as_of_date, branch, product, team, collector,
--             sum(count_numbers) as count_numbers
--         from book_invalid_reasons
--         group by as_of_date, branch, product, team, collector
--     )
--     select * from book_number_counts c
--     full join reasons r
--         on r.as_of_date = c.as_of_date
--        and r.branch is not distinct from c.branch
--        and r.product is not distinct from c.product
--        and r.team is not distinct from c.team
--        and r.collector is not distinct from c.collector
--     where coalesce(r.count_numbers, 0) <> coalesce(c.count_invalid, 0)

select b.as_of_date, b.branch, b.product, b.team, b.collector, n.invalid_reason,
    count(*) as count_numbers
from book_sole_customers b
join contact_numbers n on n.customer_id = b.customer_id
where not n.is_valid
group by b.as_of_date, b.branch, b.product, b.team, b.collector, n.invalid_reason
order by b.as_of_date
