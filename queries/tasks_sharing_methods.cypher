// Which pairs of tasks share the most methods?
// A method is shared when papers addressing each task use or propose it.
// param limit (int, default 20): rows to return
MATCH (t1:Task)<-[:ADDRESSES]-(:Paper)-[:USES|PROPOSES]->(m:Method)
MATCH (m)<-[:USES|PROPOSES]-(:Paper)-[:ADDRESSES]->(t2:Task)
WHERE t1.key < t2.key
WITH t1, t2, m ORDER BY m.key
WITH t1, t2, collect(DISTINCT m.name) AS methods
RETURN t1.name AS task, t2.name AS other_task, size(methods) AS shared, methods
ORDER BY shared DESC, task, other_task
LIMIT $limit
