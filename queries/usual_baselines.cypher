// What do papers on a task usually compare against (their baselines)?
// Concepts that papers ADDRESSING the task link with COMPARES_WITH, by number of papers.
// param task (concept, e.g. code generation): the task's name, key or an alias
// param limit (int, default 20): rows to return
UNWIND $task AS wanted
MATCH (t:Concept)
WHERE t.key = wanted AND t.type = 'task'
WITH t
MATCH (t)<-[:ADDRESSES]-(p:Paper)-[:COMPARES_WITH]->(b:Concept)
RETURN b.key AS key, b.name AS name, b.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
