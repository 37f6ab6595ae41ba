-- model: multi_loan_customers
-- what: a customer with more than one loan (loan_versions): the only customers who can
--     have several active loans in a snapshot. Numbers on file of the book's customers
--     (invalid_numbers_summary and invalid_numbers_by_reason) are counted once per
--     customer: see book_number_counts and book_shared_customers.
-- grain: one row per customer with more than one loan
-- key: customer_id
-- partition: none
-- changes: whole
-- settings: none
-- materialized: temporary table
-- not_null: customer_id

select customer_id
from loan_versions
group by customer_id
having count(distinct loan_id) > 1
