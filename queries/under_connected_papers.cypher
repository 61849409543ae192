// Which papers are barely connected to the rest (few related papers, few concept links)?
// Useful to spot abstracts the extractor understood poorly.
// param max_related (int, default 0): most RELATED_TO links a paper may have to be listed
// param limit (int, default 20): rows to return
MATCH (p:Paper)
WITH p, COUNT { MATCH (p)-[:RELATED_TO]-(:Paper) } AS related, COUNT { MATCH (p)-->(:Concept) } AS concept_links
WHERE related <= $max_related
RETURN p.id AS paper, p.title AS title, related, concept_links
ORDER BY related, concept_links, paper
LIMIT $limit
