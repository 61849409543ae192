// Which concepts are new this month, i.e. first seen in a paper of that month?
// A concept's first month is that of its earliest dated paper (any relation; papers without a
// date are left out, so a concept only they mention is never new). One row per concept first
// seen in the month: the papers of that month linked to it, and the earliest of them (by date,
// a date known only to the month first, then by id). The most discussed first, ties by key.
// param month (month, default latest): YYYY-MM, or latest: the latest month any paper is from
// param type (concept_type, default any): any, or one concept type: method, model, dataset, task
// param limit (int, default 20): rows to return
MATCH (latest:Paper)
WHERE latest.published IS NOT NULL
WITH max(left(latest.published, 7)) AS latest_month
WITH CASE WHEN $month = 'latest' THEN latest_month ELSE $month END AS month
MATCH (c:Concept)<--(p:Paper)
WHERE p.published IS NOT NULL AND ($type = 'any' OR c.type = $type)
WITH month, c, min(left(p.published, 7)) AS first_month
WHERE first_month = month
MATCH (c)<--(p:Paper)
WHERE left(p.published, 7) = month
WITH c, count(DISTINCT p) AS papers, min(p.published) AS first_date
MATCH (c)<--(f:Paper)
WHERE f.published = first_date
WITH c, papers, min(f.id) AS first_paper
MATCH (first:Paper {id: first_paper})
RETURN c.key AS key, c.name AS name, c.type AS type, papers, first_paper, first.title AS title
ORDER BY papers DESC, key
LIMIT $limit
