// What is a concept called, and where is the evidence for it?
// One row per paper and relation: the concept's aliases, the texts and sentences that mention it.
// param concept (concept, e.g. BERT): the concept's name, key or an alias
// param limit (int, default 50): rows to return
UNWIND $concept AS wanted
MATCH (c:Concept)
WHERE c.key = wanted
WITH c
MATCH (c)<-[r]-(p:Paper)
RETURN c.key AS key, c.name AS name, c.aliases AS aliases, p.id AS paper, type(r) AS relation,
       r.mention_count AS mentions, r.texts AS texts, r.sentences AS sentences
ORDER BY key, paper, relation
LIMIT $limit
