// Which datasets and benchmarks do the most papers use or evaluate on?
// One row per dataset: the papers linked to it by any relation, and how many of them evaluate on it.
// param limit (int, default 20): rows to return
MATCH (d:Concept)<-[r]-(p:Paper)
WHERE d.type = 'dataset'
WITH d, count(DISTINCT p) AS papers,
     count(DISTINCT CASE WHEN type(r) = 'EVALUATES_ON' THEN p.id END) AS evaluated_on
RETURN d.key AS key, d.name AS dataset, d.benchmark AS benchmark, papers, evaluated_on
ORDER BY papers DESC, evaluated_on DESC, key
LIMIT $limit
