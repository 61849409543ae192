// Which papers are like a given paper, by the rare concepts they share?
// Computed live over every concept the paper is linked to (any relation) and every other paper,
// unlike related_papers, which reads RELATED_TO: links chosen when the graph was built (each
// paper's 10 heaviest, a pair kept when either paper keeps it), weighted by an IDF against a
// fixed 100,000 papers, so a paper's 11th-best match is often missing. Here a shared
// concept adds 1 / its paper count (the resource-allocation index: a concept two papers share
// says more than one a hundred share); score is the sum, to 0.001 (each term counted in
// millionths, integers on both engines). Concepts in more than max_concept_papers papers
// (hubs) are left out; concepts lists the shared ones, rarest first, then by key.
// param paper (str, e.g. kg-52fe6e1ce866bc7b): the paper's id
// param max_concept_papers (int, default 100): leave out concepts in more papers than this
// param limit (int, default 10): rows to return
MATCH (p:Paper {id: $paper})-->(c:Concept)
WHERE c.paper_count >= 2 AND c.paper_count <= $max_concept_papers
WITH DISTINCT p, c
MATCH (c)<--(q:Paper)
WHERE q.id <> p.id
WITH DISTINCT q, c
WITH q, c ORDER BY c.paper_count, c.key SKIP 0
WITH q, count(c) AS shared, sum(1000000 / c.paper_count) AS millionths, collect(c.name) AS concepts
RETURN q.id AS paper, q.title AS title, ((millionths + 500) / 1000) / 1000.0 AS score, shared, concepts
ORDER BY score DESC, paper
LIMIT $limit
