-- Summary tables of the lists of customers a person reads (read after etl/marts.sql).

-- customer_name_spans — one row per customer and name found for it on the loans
-- snapshots: the first and the last snapshot date on which the customer has that name.
-- The lists' names read it instead of the snapshots: the name as on the customer's latest
-- snapshot on or before day D is the one, of those first seen by D, seen latest by D
-- (least(last_seen, D)); a tie goes to the name first seen later.
create or replace table customer_name_spans as
select customer_id, customer_name, min(as_of_date) as first_seen, max(as_of_date) as last_seen
from loan_snapshots
group by customer_id, customer_name;
