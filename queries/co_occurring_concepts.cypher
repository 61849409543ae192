// Which concepts appear in the same papers as a given concept?
// Counts papers linked to both. The concept is looked up by key (an index seek): kg turns the
// text into the keys it may mean (its normalised key, else the concepts it is a name or alias of).
// param concept (concept, e.g. speculative decoding): the concept's name, key or an alias
// param limit (int, default 20): rows to return
UNWIND $concept AS wanted
MATCH (c:Concept)
WHERE c.key = wanted
WITH c
MATCH (c)<--(p:Paper)-->(other:Concept)
WHERE other.key <> c.key
RETURN other.key AS key, other.name AS name, other.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
