-- model: case_source
-- what: where the cases (委案) come from: `assignments` when the book has any, else
--     `first_action` (one case per loan and month, held by the team and collector of the
--     loan's first action that month).
-- grain: one row
-- key: none
-- partition: none
-- changes: whole
-- settings: none
-- materialized: table
-- not_null: recovery_source
-- holds: exactly one row
--     select count(*) as count_rows from case_source having count(*) <> 1

select case when exists (select 1 from assignments) then 'assignments' else 'first_action' end
    as recovery_source
