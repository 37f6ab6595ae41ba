-- model: vintage_loans
-- what: a vintage's principal counts each loan once (its largest principal among the rows
--     the filters keep). first_on is the first month-latest snapshot listing the loan so;
--     loan_id is null on a row that sums the principal of the loans whose rows of the
--     vintage all agree on these and on principal (each counted once by summing); given for
--     a loan whose rows differ (moved team, changed principal...), one row per variant,
--     counted once by the measure (largest principal per loan_id).
-- grain: one row per vintage, in_vintages_until, branch, product, team, collector,
--     first_on and loan_id (and, for a loan listed, principal)
-- key: vintage, in_vintages_until, branch, product, team, collector, first_on,
--     loan_id, principal
-- partition: none
-- changes: whole
-- settings: none
-- materialized: table
-- not_null: vintage, in_vintages_until, first_on, principal
-- holds: a loan listed has more than one variant
--     select vintage, loan_id from vintage_loans
--     where loan_id is not null
--     group by vintage, loan_id
--     having count(*) < 2

with variants as (
    select vintage, loan_id, in_vintages_until, branch, product, team, collector, principal,
        min(as_of_date) as first_on,
        count(*) over (partition by vintage, loan_id) as count_variants
    from vintage_rows
    group by vintage, loan_id, in_vintages_until, branch, product, team, collector, principal
)
select vintage, in_vintages_until, branch, product, team, collector, first_on,
    cast(null as varchar) as loan_id, sum(principal) as principal
from variants
where count_variants = 1
group by vintage, in_vintages_until, branch, product, team, collector, first_on
union all
select vintage, in_vintages_until, branch, product, team, collector, first_on,
    loan_id, principal
from variants
where count_variants > 1
