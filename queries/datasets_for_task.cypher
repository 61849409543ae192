// Which datasets are used for a task, and with which models and methods?
// Papers on the task (linked to it by any relation, as in methods_for_task), the datasets they
// EVALUATE_ON or USE (evaluated_on: how many of those papers evaluate on it), most papers
// first; models lists the methods and models those same papers use or propose, in most of them
// first (then by key), at most max_models.
// The task is looked up by key (an index seek).
// param task (concept, e.g. code generation): the task's name, key or an alias
// param max_models (int, default 5): longest models list per dataset
// param limit (int, default 20): rows to return
UNWIND $task AS wanted
MATCH (t:Concept)
WHERE t.key = wanted AND t.type = 'task'
WITH t
MATCH (t)<--(p:Paper)-[r:EVALUATES_ON|USES]->(d:Concept)
WHERE d.type = 'dataset'
WITH d, p, count(CASE WHEN type(r) = 'EVALUATES_ON' THEN 1 END) AS evaluations
WITH d, collect(p) AS on_task, count(p) AS papers, count(CASE WHEN evaluations > 0 THEN 1 END) AS evaluated_on
ORDER BY papers DESC, evaluated_on DESC, d.key
LIMIT $limit
UNWIND on_task AS p
OPTIONAL MATCH (p)-[:USES|PROPOSES]->(m:Concept)
WHERE m.type IN ['method', 'model']
WITH d, papers, evaluated_on, m, count(DISTINCT p) AS using
ORDER BY using DESC, m.key SKIP 0
WITH d, papers, evaluated_on, collect(m.name) AS models
RETURN d.key AS key, d.name AS dataset, d.benchmark AS benchmark, papers, evaluated_on, models[0..$max_models] AS models
ORDER BY papers DESC, evaluated_on DESC, key
