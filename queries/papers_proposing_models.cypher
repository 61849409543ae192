// Which papers propose new models, and which ones?
// One row per paper with the models it PROPOSES, sorted by key.
// param limit (int, default 50): rows to return
MATCH (p:Paper)-[:PROPOSES]->(m:Concept)
WHERE m.type = 'model'
WITH p, m ORDER BY m.key SKIP 0
RETURN p.id AS paper, p.title AS title, collect(m.name) AS models
ORDER BY paper
LIMIT $limit
