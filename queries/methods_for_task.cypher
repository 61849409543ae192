// Which methods and models do papers on a task use or propose?
// The task is looked up by key (an index seek); papers are those that ADDRESS it.
// param task (concept, e.g. image classification): the task's name, key or an alias
// param limit (int, default 20): rows to return
UNWIND $task AS wanted
MATCH (t:Concept)
WHERE t.key = wanted AND t.type = 'task'
WITH t
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Concept)
WHERE m.type IN ['method', 'model']
RETURN m.key AS key, m.name AS name, m.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
