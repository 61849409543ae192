// Which papers evaluate on the same datasets and benchmarks as a given paper?
// One row per other paper with the datasets both EVALUATE_ON, most shared first.
// param paper (str, e.g. kg-b8e7e9c8335bcd16): the paper's id
// param limit (int, default 20): rows to return
MATCH (p:Paper {id: $paper})-[:EVALUATES_ON]->(d:Concept)<-[:EVALUATES_ON]-(q:Paper)
WHERE d.type = 'dataset' AND q.id <> p.id
WITH q, d ORDER BY d.key SKIP 0
RETURN q.id AS paper, q.title AS title, count(d) AS shared, collect(d.name) AS datasets
ORDER BY shared DESC, paper
LIMIT $limit
