// src/sql/exec/store_scan_internal.h
//
// Pieces shared by the store's SQL operators (store_scan.cc: the scan; store_aggregate.cc: the
// aggregation done inside the scan): how plan columns are assembled from store columns, the
// pushed-down filter as store predicates (and its evaluation on memtable events), the number of
// scan threads and the query statistics of a segment scan. Not an API for other folders.
//
// Thread-safety: the functions are pure (FillFromBatch / FillFromEvents write only `out`); a
// ScanAssembler is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/exec/operator.h"
#include "sql/logical_plan.h"
#include "sql/vector.h"
#include "store/columns.h"
#include "store/scan.h"
#include "store/snapshot.h"

namespace cairn::sql::store_internal {

// How one output vector (or part of it) is assembled from projected store columns.
struct Assembly {
  enum class Kind : uint8_t { kNull, kLeaf, kRow, kResources, kChecksum };
  Kind kind = Kind::kNull;
  int slot = -1;                     // kLeaf / kChecksum: index in the scan projection
  ColumnId id = ColumnId::kEventId;  // kLeaf: the store column
  std::vector<Assembly> children;    // kRow: per field; kResources: per element field
};

// Builds Assemblies for plan columns and collects the store projection they read.
class ScanAssembler {
 public:
  std::vector<ColumnId> projection;

  // The projection slot of store column `id` (added on first use).
  int Slot(ColumnId id);
  // The assembly of the value at `path` (of type `type`); `leaves` as ScanColumn::leaves.
  Assembly Build(const Type& type, const std::string& path, const std::vector<std::string>& leaves);
};

// Fills `out` (n = rows.size()) from the rows `rows` of a segment batch. Dictionary strings are
// referenced (kept alive by `pin`, the snapshot); plain strings are copied into `out`.
void FillFromBatch(const Assembly& a, const ColumnBatch& b, std::span<const uint32_t> rows,
                   const std::shared_ptr<const void>& pin, Vector* out);

// Fills `out` from memtable events (their strings kept alive by `pin`).
void FillFromEvents(const Assembly& a, const std::vector<EventRef>& events,
                    const std::shared_ptr<const void>& pin, Vector* out);

// The store predicates for the planner's pushed-down terms.
Result<std::vector<ScanPredicate>> Predicates(const ScanFilter& f);

// Whether a memtable event passes the pushed-down terms (the store's own semantics: a term on a
// resources field holds when any element's field does).
bool EventMatches(const Event& e, const EventBatch& batch, const ScanFilter& f);

// Worker threads per scan: 2 (the machines cairn targets are small); CAIRN_SCAN_THREADS overrides.
size_t ScanThreads();

// Adds a finished (or abandoned) segment scan's figures to the query's counters. Bytes scanned
// are the segment file's bytes in proportion to the blocks read: blocks skipped by zone maps,
// dictionaries and blooms are not read, so not counted (as the Lake bills only what it scans).
void AccountSegment(const SegmentScanner& scanner, uint64_t file_bytes, ScanCounters* c);

}  // namespace cairn::sql::store_internal
