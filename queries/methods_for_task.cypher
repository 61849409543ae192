// Which methods and models do papers on a task use or propose?
// The task is matched by key, name or alias, ignoring case; papers are those that ADDRESS it.
// param task (str, e.g. image classification): the task's name, key or an alias
// param limit (int, default 20): rows to return
MATCH (t:Task)
WHERE t.key = $task OR toLower(t.name) = toLower($task)
   OR any(alias IN t.aliases WHERE toLower(alias) = toLower($task))
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:USES|PROPOSES]->(m:Concept)
WHERE m:Method OR m:Model
RETURN m.key AS key, m.name AS name, m.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
