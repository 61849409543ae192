// How many papers does the graph hold per month?
// Months come from the papers' publication date (YYYY-MM); papers without one count as "unknown".
MATCH (p:Paper)
RETURN coalesce(left(p.published, 7), 'unknown') AS month, count(p) AS papers
ORDER BY month
