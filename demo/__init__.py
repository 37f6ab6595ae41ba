"""A seeded synthetic portfolio written in the lenders' own export formats (DATA_CONTRACT.md).

`generate_demo` simulates a loan book month by month (`demo.month`) and writes its files
(`demo.files`), with deliberately spoiled rows for the loader's rejects table
(`demo.spoiled`). The same arguments always give byte-identical files.

The simulation: loans disbursed over the years before the window pay down; each month some
miss their due date, overdue loans roll forward (days past due grows by the days of the
month), cure, pay part, settle or are written off (consumer loans within months of 180 days,
others after 270); new loans arrive every month. About nine loans in ten stay current; of the
loans in M1 at a month end about 40 % are in M2 at the next, and the later stages roll on
more and cure less. A loan's case is handed to a headquarters phone team on the day it falls
overdue, placed at the overdue amount; when not cured it moves to its branch's field team on
reaching 31 days past due (M2) and to legal (large and business loans) or an outside agency
(consumer loans) at 181 (M7), placed there at the whole outstanding balance; the old case
ends the day the new one starts, and a case never moves back while the loan stays overdue. A
case ends the day after the loan is cured, settled (its last payment of the month) or written
off (the month end). Phone teams recover about half of what they are placed, field teams a
fifth, legal and agencies a few percent. Each case has one collector of its team, and every
action on a loan held by a case is made by that team and collector on a method that kind of
team works with (phone teams neither visit nor sue); pre-due SMS reminders to current loans
come from a phone team. Actions escalate with age (SMS and calls, then letters, lawyer's
letters and visits, then litigation, agency and repossession); calls reach the debtor or
close family about 29 % of the time, less over lunch; effective contacts bring promises and
payments; about a third of promises are kept, a fifth partly, the rest broken, and
collectors stop taking promises from a debtor who broke many. A branch's field team has as
many collectors as its cases keep at about their monthly visit quota; a few fall well short.
About 6 % of loans are never worked at all, so some cases reach 180+ days with no action.
All money is computed in integer cents and written with exactly two decimals (in XLSX, as
numeric cells formatted `#,##0.00`).
"""

from demo.generate import InvalidDemoRequest, generate_demo
from demo.spoiled import BAD_ROW_EVERY, BAD_ROW_MIN_FILE_ROWS

__all__ = ["BAD_ROW_EVERY", "BAD_ROW_MIN_FILE_ROWS", "InvalidDemoRequest", "generate_demo"]
