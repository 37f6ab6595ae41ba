"""SQL pieces several measures share, written once."""


def latest_loan_facts(name: str, loans_in: str) -> str:
    """CTE `name`: for each loan of the CTE `loans_in`, its customer, branch and product
    as on its latest snapshot on or before the period's end."""
    return f"""{name} as (
    select loan_id, customer_id, branch, product
    from (
        select l.loan_id, l.customer_id, l.branch, l.product,
            row_number() over (partition by l.loan_id order by l.as_of_date desc) as recency
        from loan_snapshots l
        where l.as_of_date <= $period_end
          and l.loan_id in (select loan_id from {loans_in})
    ) ranked
    where recency = 1
)"""


# The dimension filters on a loans snapshot aliased `l`: a filter left null keeps all.
LOAN_FILTERS = """($branch is null or l.branch = $branch)
      and ($product is null or l.product = $product)
      and ($team is null or l.team = $team)
      and ($collector is null or l.collector = $collector)"""
