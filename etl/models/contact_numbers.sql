-- model: contact_numbers
-- what: a number on file (contacts) with its check (phone_checks): a number listed again
--     for the same customer (same normalised number) is a duplicate, counted invalid with
--     reason `duplicate`; the first listing keeps its own verdict.
-- grain: one row per number on file, a number listed twice once per listing
-- key: none
-- partition: none
-- changes: whole
-- settings: none
-- materialized: table
-- not_null: customer_id, phone, is_duplicate
-- holds: one row per number on file
--     with counts as (
--         select (select count(*) from contact_numbers) as count_numbers,
--             (select count(*) from contacts) as count_contacts
--     )
--     select * from counts where count_numbers <> count_contacts
-- holds: a duplicate is invalid, for the reason duplicate
--     select * from contact_numbers
--     where is_duplicate and (is_valid or invalid_reason is distinct from 'duplicate')

with checked as (
    select
        c.customer_id,
        c.phone,
        c.relation,
        c.city,
        k.phone_normalized,
        k.number_type,
        k.is_valid,
        k.invalid_reason,
        row_number() over (
            partition by c.customer_id, coalesce(k.phone_normalized, c.phone)
            order by c.load_id, c.source_line
        ) as listing
    from contacts c
    left join phone_checks k
        on k.phone = c.phone and k.city is not distinct from c.city
)
select
    customer_id,
    phone,
    relation,
    city,
    phone_normalized,
    number_type,
    listing > 1 as is_duplicate,
    is_valid and listing = 1 as is_valid,
    case when listing > 1 then 'duplicate' else invalid_reason end as invalid_reason
from checked
