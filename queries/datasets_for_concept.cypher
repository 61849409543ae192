// Which datasets do papers about a topic evaluate on? (e.g. language models)
// Papers linked to the concept by any relation, then the datasets they EVALUATE_ON.
// param concept (concept, e.g. language model): the concept's name, key or an alias
// param limit (int, default 20): rows to return
UNWIND $concept AS wanted
MATCH (c:Concept)
WHERE c.key = wanted
WITH c
MATCH (c)<--(p:Paper)-[:EVALUATES_ON]->(d:Concept)
WHERE d.type = 'dataset' AND d.key <> c.key
RETURN d.key AS key, d.name AS dataset, d.benchmark AS benchmark, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
