-- model: vintage_book
-- what: the loans of one vintage, branch, product, team and collector disbursed on or
--     before a month-latest snapshot's month: the principal of those 30+ and of those 90+
--     days past due (written-off loans count as both, settled ones as neither). A vintage
--     curve's numerators are sums of these rows.
-- grain: one row per month-latest snapshot, vintage, in_vintages_until, branch, product,
--     team and collector
-- key: as_of_date, vintage, in_vintages_until, branch, product, team, collector
-- partition: as_of_date
-- changes: forward
-- settings: none
-- materialized: table
-- not_null: as_of_date, vintage, in_vintages_until, principal_30_plus, principal_90_plus
-- holds: 90+ is part of 30+
--     select * from vintage_book where principal_90_plus > principal_30_plus

select as_of_date, vintage, in_vintages_until, branch, product, team, collector,
    sum(case when status = 'written_off' or (status = 'active' and days_past_due >= 30)
        then principal else 0 end) as principal_30_plus,
    sum(case when status = 'written_off' or (status = 'active' and days_past_due >= 90)
        then principal else 0 end) as principal_90_plus
from vintage_rows
where as_of_date >= vintage
group by as_of_date, vintage, in_vintages_until, branch, product, team, collector
