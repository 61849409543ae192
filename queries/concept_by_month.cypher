// How many papers per month mention a concept?
// Months come from the papers' publication date (YYYY-MM); papers without one are left out.
// param concept (str, e.g. speculative decoding): the concept's name, key or an alias, ignoring case
MATCH (c:Concept)
WHERE c.key = $concept OR toLower(c.name) = toLower($concept)
   OR any(alias IN c.aliases WHERE toLower(alias) = toLower($concept))
MATCH (c)<--(p:Paper)
WHERE p.published IS NOT NULL
RETURN substring(p.published, 0, 7) AS month, count(DISTINCT p) AS papers
ORDER BY month
