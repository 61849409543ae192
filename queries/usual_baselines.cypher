// What do papers on a task usually compare against (their baselines)?
// Concepts that papers ADDRESSING the task link with COMPARES_WITH, by number of papers.
// param task (str, e.g. image classification): the task's name, key or an alias
// param limit (int, default 20): rows to return
MATCH (t:Task)
WHERE t.key = $task OR toLower(t.name) = toLower($task)
   OR any(alias IN t.aliases WHERE toLower(alias) = toLower($task))
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:COMPARES_WITH]->(b:Concept)
RETURN b.key AS key, b.name AS name, b.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
