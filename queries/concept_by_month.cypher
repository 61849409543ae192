// How many papers per month mention a concept?
// Months come from the papers' publication date (YYYY-MM); papers without one count as "unknown".
// param concept (concept, e.g. large language model): the concept's name, key or an alias
UNWIND $concept AS wanted
MATCH (c:Concept)
WHERE c.key = wanted
WITH c
MATCH (c)<--(p:Paper)
RETURN coalesce(left(p.published, 7), 'unknown') AS month, count(DISTINCT p) AS papers
ORDER BY month
