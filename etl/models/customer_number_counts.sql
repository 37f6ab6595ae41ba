-- model: customer_number_counts
-- what: a customer's numbers on file (contact_numbers): numbers, valid ones and invalid
--     ones.
-- grain: one row per customer with numbers on file
-- key: customer_id
-- partition: none
-- changes: whole
-- settings: none
-- materialized: temporary table
-- not_null: customer_id, count_numbers, count_valid, count_invalid
-- holds: valid + invalid <= numbers
--     select * from customer_number_counts where count_valid + count_invalid > count_numbers

select customer_id,
    count(*) as count_numbers,
    count(case when is_valid then 1 end) as count_valid,
    count(case when not is_valid then 1 end) as count_invalid
from contact_numbers
group by customer_id
