"""Scoring at scale: people's data as columns, a streaming bulk engine, and SQL engines.

The modules, each importable on its own (none is loaded by ``import competency_core``):

* :mod:`competency_core.scale.results`: :class:`~competency_core.scale.results.TopMatches`,
  the top-k answers every engine gives without the full people x roles matrix;
* :mod:`competency_core.scale.columnar`: assessments and evidence read from Parquet, Arrow,
  CSV, workforce files and the store straight into arrays, resolved by the scoring policies
  vectorised;
* :mod:`competency_core.scale.streaming`: the bulk engine in chunks of people and roles,
  memory bounded by the chunk;
* :mod:`competency_core.scale.sql` and :mod:`competency_core.scale.engines`: the same scoring
  compiled to SQL and run on DuckDB, PostgreSQL or Apache Spark.

docs/scale.md says which engine suits which size.
"""
