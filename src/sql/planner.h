// src/sql/planner.h
//
// The planner rewrites a bound plan before execution so that scans read less:
//   - projection pruning: a scan produces only the columns (and struct leaves) the query uses;
//     userIdentity.arn reads the one leaf column, not the whole struct;
//   - predicate pushdown: conjuncts of a WHERE directly above a scan that the store can evaluate on
//     its encodings (eventTime ranges, = / IN / LIKE 'prefix%' / IS [NOT] NULL on string leaves,
//     = TRUE/FALSE on booleans) move into ScanFilter, which lets segments and blocks be skipped by
//     zone maps, dictionaries and bloom filters; x IN (subquery) on a string leaf becomes an IN
//     term whose values the executor fills in when the query runs;
//   - struct splitting: a struct read only through field paths is produced as one column per
//     path, carried as such through joins, projections, filters, sorts, UNNEST and windows;
//   - semi-joins: an inner join of a scan with distinct single keys (SELECT DISTINCT k / GROUP BY
//     k) on leaf = k, under an aggregate or projection, becomes leaf IN (keys) in the scan (the
//     keys are appended to BoundQuery::subqueries);
//   - DISTINCT over a scan becomes a GROUP BY (which the store can aggregate inside the scan).
// The rewrites keep results identical; tests run queries with and without them.
//
// Thread-safety: a pure function of the plan.
#pragma once

#include "common/status.h"
#include "sql/logical_plan.h"

namespace cairn::sql {

Status Optimize(BoundQuery* query);

}  // namespace cairn::sql
