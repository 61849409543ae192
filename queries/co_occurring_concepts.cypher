// Which concepts appear in the same papers as a given concept more often than chance would?
// A paper has a concept when it links to it by any relation. Ranked by lift: papers with both ×
// all papers ÷ (papers with the concept × papers with the other), i.e. how many times more often
// the two share a paper than if they were independent (1: as often as chance; below 1: less), to
// 2 decimals rounded half up (in integers, so both engines give the same number); ties by papers
// together, then key. Raw counts would put the hubs ("transformer", "large language model")
// first for every concept. Concepts in fewer than min_papers papers with it are left out: one
// seen once, in a paper beside it, would otherwise top the list. together: papers with both;
// papers: papers with the other concept. The concept is looked up by key (an index seek): kg
// turns the text into the keys it may mean (its normalised key, else the concepts it is a name
// or alias of); several keys count as one concept.
// param concept (concept, e.g. large language model): the concept's name, key or an alias
// param min_papers (int, default 2): leave out concepts in fewer papers together with it
// param limit (int, default 20): rows to return
UNWIND $concept AS wanted
MATCH (c:Concept)
WHERE c.key = wanted
WITH c
MATCH (c)<--(p:Paper)
WITH collect(DISTINCT c.key) AS keys, collect(DISTINCT p) AS concept_papers
UNWIND concept_papers AS p
MATCH (p)-->(other:Concept)
WHERE NOT other.key IN keys
WITH size(concept_papers) AS concept_papers, other, count(DISTINCT p) AS together
WHERE together >= $min_papers
WITH other, together, concept_papers, other.paper_count AS papers, COUNT { MATCH (:Paper) } AS all_papers
RETURN other.key AS key, other.name AS name, other.type AS type,
       ((200 * together * all_papers + concept_papers * papers) / (2 * concept_papers * papers)) / 100.0 AS lift,
       together, papers
ORDER BY lift DESC, together DESC, key
LIMIT $limit
