// Which concepts appear in the same papers as a given concept?
// Counts papers linked to both; the concept is matched by key, name or alias, ignoring case.
// param concept (str, e.g. speculative decoding): the concept's name, key or an alias
// param limit (int, default 20): rows to return
MATCH (c:Concept)
WHERE c.key = $concept OR toLower(c.name) = toLower($concept)
   OR any(alias IN c.aliases WHERE toLower(alias) = toLower($concept))
MATCH (c)<--(p:Paper)-->(other:Concept)
WHERE other <> c
RETURN other.key AS key, other.name AS name, other.type AS type, count(DISTINCT p) AS papers
ORDER BY papers DESC, key
LIMIT $limit
