// Which papers evaluate on the same datasets and benchmarks as a given paper, or work on its tasks?
// One row per other paper sharing a dataset (a benchmark is a dataset) or a task with it, each
// linked to both papers by any relation (a paper that PROPOSES or USES a dataset works with it
// too; no two seed papers share a dataset, so the example shares tasks). Ranked by the datasets both
// papers EVALUATE_ON (both_evaluate_on), then by all shared datasets, then by shared tasks, then
// paper id; the names are sorted by key.
// param paper (str, e.g. kg-72768dcb07838211): the paper's id
// param limit (int, default 20): rows to return
MATCH (p:Paper {id: $paper})-[r]->(c:Concept)<-[s]-(q:Paper)
WHERE c.type IN ['dataset', 'task'] AND q.id <> p.id
WITH q, c, max(CASE WHEN type(r) = 'EVALUATES_ON' AND type(s) = 'EVALUATES_ON' THEN 1 ELSE 0 END) AS both_evaluate
WITH q, c, both_evaluate ORDER BY c.key SKIP 0
WITH q, count(CASE WHEN both_evaluate = 1 AND c.type = 'dataset' THEN c END) AS both_evaluate_on,
     collect(CASE WHEN c.type = 'dataset' THEN c.name END) AS datasets,
     collect(CASE WHEN c.type = 'task' THEN c.name END) AS tasks
RETURN q.id AS paper, q.title AS title, both_evaluate_on, size(datasets) AS shared_datasets, datasets,
       size(tasks) AS shared_tasks, tasks
ORDER BY both_evaluate_on DESC, shared_datasets DESC, shared_tasks DESC, paper
LIMIT $limit
