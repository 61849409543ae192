// Which pairs of tasks share the most methods?
// A method is shared when papers addressing each task use or propose it; the method names are
// sorted. Methods in more than max_method_papers papers are left out: generic ones ("transformer")
// would pair every task with every other (and the pairs would outgrow memory on a large graph).
// param max_method_papers (int, default 50): leave out methods in more papers than this
// param limit (int, default 20): rows to return
MATCH (m:Concept)<-[:USES|PROPOSES]-(:Paper)-[:ADDRESSES]->(t1:Concept)
WHERE m.type = 'method' AND m.paper_count <= $max_method_papers AND t1.type = 'task'
WITH DISTINCT m, t1
MATCH (m)<-[:USES|PROPOSES]-(:Paper)-[:ADDRESSES]->(t2:Concept)
WHERE t2.type = 'task' AND t1.key < t2.key
WITH DISTINCT t1, t2, m.name AS method
WITH t1, t2, method ORDER BY method SKIP 0
WITH t1, t2, collect(method) AS methods
RETURN t1.name AS task, t2.name AS other_task, size(methods) AS shared, methods
ORDER BY shared DESC, task, other_task
LIMIT $limit
