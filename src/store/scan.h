// src/store/scan.h
//
// The scan API of a segment: what the SQL engine and event history ask of one segment file.
// A ScanSpec names the projected columns, an eventTime range and predicates (ANDed) that the
// segment evaluates itself: whole blocks are skipped by zone maps, dictionaries and bloom filters,
// and surviving rows are marked in a selection vector. Results come as ColumnBatches of at most
// ScanSpec::batch_rows rows: one typed vector per projected column, plus the selection.
//
// Null conventions follow src/event/event.h: a NULL string is a Str whose data() is nullptr, a
// NULL timestamp is INT64_MIN, a NULL bool is OptBool::kNull, a NULL dictionary code is kNullCode.
// Sentinels instead of separate null bitmaps keep one representation from parser to SQL.
//
// Thread-safety: a SegmentScanner is used by one thread at a time. Many scanners over the same
// SegmentReader may run at once on different threads (one scanner per segment is the unit of
// parallelism).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/event.h"
#include "store/columns.h"

namespace cairn {

inline constexpr uint32_t kNullCode = 0xFFFFFFFFu;

enum class PredicateOp : uint8_t {
  kEq,         // column = values[0]
  kIn,         // column IN (values...)
  kPrefix,     // column LIKE 'values[0]%'
  kIsNull,     // column IS NULL
  kIsNotNull,  // column IS NOT NULL
  kBoolEq,     // bool column = bool_value (kTrue / kFalse)
  kMatch,      // matcher->Match(value) (string and map columns; NULL values are passed too)
};

// A test of a string (or map text) value that the store cannot express itself, supplied by its
// caller (the SQL engine: a WHERE term such as element_at(requestParameters, 'k') = 'v'). The
// store calls it on values of the predicate's column, at most once per distinct dictionary value
// of a segment scan, and keeps the rows whose value matches.
// Thread-safety: Match may be called from many scans (threads) at once.
class ValueMatcher {
 public:
  virtual ~ValueMatcher() = default;
  // Sets out[i] to whether values[i] matches (a NULL value is a Str whose data() is nullptr).
  // An error ends the scan with it.
  virtual Status Match(std::span<const Str> values, bool* out) const = 0;
};

// One pushed-down predicate. On list children (resources.*) a row matches when ANY element
// matches (kIsNull: when the row has no element or some element's field is NULL; kMatch is for
// scalar columns only).
// String comparisons are exact and byte-wise (case-sensitive).
struct ScanPredicate {
  ColumnId column = ColumnId::kEventName;
  PredicateOp op = PredicateOp::kEq;
  std::vector<std::string> values;
  OptBool bool_value = OptBool::kNull;
  std::shared_ptr<const ValueMatcher> matcher;  // kMatch

  static ScanPredicate Eq(ColumnId c, std::string v) {
    return {c, PredicateOp::kEq, {std::move(v)}, OptBool::kNull, nullptr};
  }
  static ScanPredicate In(ColumnId c, std::vector<std::string> v) {
    return {c, PredicateOp::kIn, std::move(v), OptBool::kNull, nullptr};
  }
  static ScanPredicate Prefix(ColumnId c, std::string p) {
    return {c, PredicateOp::kPrefix, {std::move(p)}, OptBool::kNull, nullptr};
  }
  static ScanPredicate IsNull(ColumnId c) {
    return {c, PredicateOp::kIsNull, {}, OptBool::kNull, nullptr};
  }
  static ScanPredicate IsNotNull(ColumnId c) {
    return {c, PredicateOp::kIsNotNull, {}, OptBool::kNull, nullptr};
  }
  static ScanPredicate BoolEq(ColumnId c, bool v) {
    return {c, PredicateOp::kBoolEq, {}, v ? OptBool::kTrue : OptBool::kFalse, nullptr};
  }
  static ScanPredicate Match(ColumnId c, std::shared_ptr<const ValueMatcher> m) {
    return {c, PredicateOp::kMatch, {}, OptBool::kNull, std::move(m)};
  }
};

struct ScanSpec {
  std::vector<ColumnId> projection;  // output columns, in this order (duplicates allowed)
  int64_t min_time_us = std::numeric_limits<int64_t>::min();  // eventTime >= min (inclusive)
  int64_t max_time_us = std::numeric_limits<int64_t>::max();  // eventTime <= max (inclusive)
  std::vector<ScanPredicate> predicates;                      // all must hold
  uint32_t batch_rows = 2048;
  // Newest first: blocks last to first, and each batch's selection in descending row order.
  bool reverse = false;
  // Stop after this many selected rows (in scan order): LIMIT pushdown, LookupEvents pages.
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  // Only blocks first_block..last_block (inclusive) are read: LookupEvents scans the blocks that
  // its block cache does not hold.
  uint32_t first_block = 0;
  uint32_t last_block = std::numeric_limits<uint32_t>::max();
};

// How a ColumnVector holds its values.
enum class VectorKind : uint8_t {
  kInt64,   // timestamps: i64
  kBool,    // bools
  kDict,    // codes into dict (dict is sorted byte-wise, so code order is string order)
  kString,  // strs
};

// The values of one projected column for the rows of a batch. Views point into memory owned by the
// scanner (or the reader, for dictionaries) and stay valid until the scanner's next Next() call
// (dictionaries: as long as the SegmentReader).
struct ColumnVector {
  ColumnId id = ColumnId::kEventName;
  VectorKind kind = VectorKind::kString;
  std::span<const int64_t> i64;
  std::span<const OptBool> bools;
  std::span<const uint32_t> codes;
  std::span<const Str> dict;
  std::span<const Str> strs;
  // List children only: row i's elements are values [offsets[i], offsets[i+1]) of this vector.
  // offsets has row_count + 1 entries; empty for scalar columns.
  std::span<const uint32_t> offsets;

  // Number of values (rows for scalar columns, elements for list children).
  size_t size() const {
    switch (kind) {
      case VectorKind::kInt64:
        return i64.size();
      case VectorKind::kBool:
        return bools.size();
      case VectorKind::kDict:
        return codes.size();
      case VectorKind::kString:
        return strs.size();
    }
    return 0;
  }
  // The string at value index `i` whatever the kind (kDict or kString). NULL when null.
  Str StringAt(size_t i) const {
    if (kind == VectorKind::kDict) return codes[i] == kNullCode ? Str() : dict[codes[i]];
    return strs[i];
  }
};

struct ColumnBatch {
  uint32_t row_count = 0;             // rows held by every scalar vector
  std::vector<ColumnVector> columns;  // one per ScanSpec::projection entry, same order
  std::vector<uint32_t> sel;          // rows (0 .. row_count-1) that pass every predicate
  uint32_t block = 0;                 // block index in the segment
  uint32_t first_row = 0;             // row of the block that is row 0 of this batch
};

struct ScanStats {
  uint64_t blocks_total = 0;
  uint64_t blocks_skipped = 0;  // skipped without reading any column data
  uint64_t blocks_read = 0;
  uint64_t rows_scanned = 0;  // rows of the blocks read
  uint64_t rows_selected = 0;
};

class SegmentScanner {
 public:
  virtual ~SegmentScanner() = default;
  // Fills `out` with the next batch that has at least one selected row. Returns false when the
  // scan is over. Corrupt data is kDataLoss naming the file and offset.
  virtual Result<bool> Next(ColumnBatch* out) = 0;
  virtual const ScanStats& stats() const = 0;
};

}  // namespace cairn
