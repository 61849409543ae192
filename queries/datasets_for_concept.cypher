// Which datasets do papers about a topic evaluate on? (e.g. speculative decoding)
// Papers linked to the concept by any relation, then the datasets they EVALUATE_ON.
// param concept (str, e.g. speculative decoding): the concept's name, key or an alias, ignoring case
// param limit (int, default 20): rows to return
MATCH (c:Concept)
WHERE c.key = $concept OR toLower(c.name) = toLower($concept)
   OR any(alias IN c.aliases WHERE toLower(alias) = toLower($concept))
MATCH (c)<--(p:Paper)-[:EVALUATES_ON]->(d:Dataset)
WHERE d <> c
RETURN d.key AS key, d.name AS dataset, d.benchmark AS benchmark, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
