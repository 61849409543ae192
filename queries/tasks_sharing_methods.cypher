// Which pairs of tasks share the most methods?
// A method is shared when papers addressing each task use or propose it; the method names are sorted.
// param limit (int, default 20): rows to return
MATCH (t1:Concept)<-[:ADDRESSES]-(:Paper)-[:USES|PROPOSES]->(m:Concept)
WHERE t1.type = 'task' AND m.type = 'method'
WITH DISTINCT t1, m
MATCH (m)<-[:USES|PROPOSES]-(:Paper)-[:ADDRESSES]->(t2:Concept)
WHERE t2.type = 'task' AND t1.key < t2.key
WITH DISTINCT t1, t2, m.name AS method
WITH t1, t2, method ORDER BY method SKIP 0
WITH t1, t2, collect(method) AS methods
RETURN t1.name AS task, t2.name AS other_task, size(methods) AS shared, methods
ORDER BY shared DESC, task, other_task
LIMIT $limit
