// Which papers propose new models, and which ones? The newest papers first.
// One row per paper with the models it PROPOSES (sorted by key), newest first: by published
// (a YYYY-MM-DD date, or YYYY-MM when only the month is known, which sorts after that month's
// dated papers), papers with no date last, then by id.
// param limit (int, default 50): rows to return
MATCH (p:Paper)-[:PROPOSES]->(m:Concept)
WHERE m.type = 'model'
WITH p, m ORDER BY m.key SKIP 0
WITH p, collect(m.name) AS models
RETURN p.id AS paper, p.title AS title, p.published AS published, models
ORDER BY coalesce(published, '') DESC, paper
LIMIT $limit
