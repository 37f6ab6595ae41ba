-- model: shared_customer_invalid_reasons
-- what: the invalid numbers on file (contact_numbers) with one invalid_reason of a
--     customer of book_shared_customers.
-- grain: one row per customer of book_shared_customers and invalid_reason of its invalid
--     numbers on file
-- key: customer_id, invalid_reason
-- partition: none
-- changes: whole
-- settings: none
-- materialized: table
-- not_null: customer_id, count_numbers

select n.customer_id, n.invalid_reason, count(*) as count_numbers
from contact_numbers n
where not n.is_valid
  and n.customer_id in (select customer_id from book_shared_customers)
group by n.customer_id, n.invalid_reason
