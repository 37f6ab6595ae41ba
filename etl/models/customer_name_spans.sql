-- model: customer_name_spans
-- what: a customer's name found on the loans snapshots, with the first and the last
--     snapshot date on which the customer has that name. The lists' names read it instead
--     of the snapshots: the name as on the customer's latest snapshot on or before day D is
--     the one, of those first seen by D, seen latest by D (least(last_seen, D)); a tie goes
--     to the name first seen later.
-- grain: one row per customer and name found for it on the loans snapshots
-- key: customer_id, customer_name
-- partition: none
-- changes: as_of
-- settings: none
-- materialized: table
-- not_null: customer_id, first_seen, last_seen
-- holds: first seen on or before last seen
--     select * from customer_name_spans where first_seen > last_seen

select customer_id, customer_name, min(as_of_date) as first_seen, max(as_of_date) as last_seen
from loan_snapshots
group by customer_id, customer_name
