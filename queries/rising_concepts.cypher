// Which concepts are rising: mentioned by a larger share of this month's papers than last month's?
// Compares the month with the latest earlier month that has papers (the calendar month before,
// unless the graph has no paper from it); no earlier month, no rows. growth is the ratio of the
// concept's shares of the two months' papers, each add-one smoothed: ((papers + 1) / (month's
// papers + 1)) / ((previous_papers + 1) / (previous month's papers + 1)), rounded to 0.01. A share,
// so a month with more papers lifts nothing by itself (1.0: keeps pace); a ratio, not a difference
// in papers, so a hub's noise does not outrank a concept that doubles; smoothed, so a concept
// absent last month gets a finite growth and a 1→2 paper change is not "twice". Ties: more papers
// first, then key.
// param month (month, default latest): YYYY-MM, or latest: the latest month any paper is from
// param min_papers (int, default 3): fewest papers of the month a concept must be in
// param limit (int, default 20): rows to return
MATCH (latest:Paper)
WHERE latest.published IS NOT NULL
WITH max(left(latest.published, 7)) AS latest_month
WITH CASE WHEN $month = 'latest' THEN latest_month ELSE $month END AS month
MATCH (earlier:Paper)
WHERE left(earlier.published, 7) < month
WITH month, max(left(earlier.published, 7)) AS previous_month
MATCH (p:Paper)
WHERE left(p.published, 7) IN [month, previous_month]
WITH month, previous_month, count(CASE WHEN left(p.published, 7) = month THEN 1 END) AS month_total,
     count(CASE WHEN left(p.published, 7) = previous_month THEN 1 END) AS previous_total
MATCH (c:Concept)<--(p:Paper)
WHERE left(p.published, 7) IN [month, previous_month]
WITH month, previous_month, month_total, previous_total, c,
     count(DISTINCT CASE WHEN left(p.published, 7) = month THEN p.id END) AS papers,
     count(DISTINCT CASE WHEN left(p.published, 7) = previous_month THEN p.id END) AS previous_papers
WHERE papers >= $min_papers
WITH c, month, papers, previous_month, previous_papers,
     (papers + 1) * (previous_total + 1) AS share_now, (previous_papers + 1) * (month_total + 1) AS share_before
RETURN c.key AS key, c.name AS name, c.type AS type, month, papers, previous_month, previous_papers,
       ((200 * share_now + share_before) / (2 * share_before)) / 100.0 AS growth
ORDER BY growth DESC, papers DESC, key
LIMIT $limit
