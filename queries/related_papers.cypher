// Which papers are related to a given paper, and why?
// RELATED_TO is undirected in meaning (stored once per pair); shared lists the concepts behind
// the link, heaviest first, weight is the sum of their IDF against 100,000 papers, rounded to 0.1.
// param paper (str, e.g. kg-52fe6e1ce866bc7b): the paper's id (normalised arXiv id)
// param limit (int, default 10): rows to return
MATCH (p:Paper {id: $paper})-[r:RELATED_TO]-(q:Paper)
RETURN q.id AS paper, q.title AS title, r.weight AS weight, r.shared AS shared
ORDER BY weight DESC, paper
LIMIT $limit
