"""Neo4j: the connection (:mod:`.connection`), the exact sync of a graph (:mod:`.sync`), the
bulk-import CSVs (:mod:`.bulk`), running queries (:mod:`.queries`) and the local server for
machines without Docker (:mod:`.server`, its Java launcher in ``launcher/``)."""
