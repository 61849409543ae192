// What connects two papers? The shortest chains of shared concepts between them.
// Walks Paper-Concept relations in either direction (not RELATED_TO), up to 8 hops; every
// shortest chain is returned once, as node ids (paper id or concept key) and display names.
// param from (str, e.g. kg-52fe6e1ce866bc7b): one paper's id
// param to (str, e.g. kg-b8e7e9c8335bcd16): the other paper's id
MATCH (a:Paper {id: $from}), (b:Paper {id: $to})
MATCH path = (a)-[:PROPOSES|EVALUATES_ON|COMPARES_WITH|ADDRESSES|USES|MENTIONS* ALL SHORTEST 1..8]-(b)
WITH DISTINCT list_transform(nodes(path), n -> coalesce(n.id, n.key)) AS ids,
     list_transform(nodes(path), n -> coalesce(n.name, n.title)) AS names
RETURN size(ids) - 1 AS hops, ids, names
ORDER BY list_to_string('\u0001', ids)
