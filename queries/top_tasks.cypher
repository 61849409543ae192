// Which tasks do the most papers work on?
// One row per task: papers linked to it by any relation, and how many address it directly.
// param limit (int, default 20): rows to return
MATCH (t:Concept)<-[r]-(p:Paper)
WHERE t.type = 'task'
WITH t, count(DISTINCT p) AS papers,
     count(DISTINCT CASE WHEN type(r) = 'ADDRESSES' THEN p.id END) AS addressed_by
RETURN t.key AS key, t.name AS task, papers, addressed_by
ORDER BY papers DESC, addressed_by DESC, key
LIMIT $limit
