// src/sql/exec/memory_table.h
//
// MemoryTable: a table held in memory as column batches of its schema's top-level columns, and
// MemoryCatalog, which resolves table names to such tables and scans them. They let the whole SQL
// engine run without the event store: tests, the fuzz test and tools use them; the store adapter
// (src/sql/exec/store_scan.*) implements the same ScanProvider over event data stores.
//
// Records are loaded from CloudTrail-style JSON objects: members map to columns and struct fields
// case-insensitively; map columns keep the member's JSON object text; eventjson is the record's
// exact text.
//
// Thread-safety: a table is immutable once loaded; scans of it may run concurrently.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/catalog.h"
#include "sql/exec/operator.h"

namespace cairn::sql {

class MemoryTable {
 public:
  explicit MemoryTable(const TableSchema* schema);

  // Adds one record given as a JSON object. Fails (naming the record index) if it is not an
  // object or a value does not fit its column's type.
  Status AddRecordJson(std::string_view record);
  // Adds every object of a JSON array, or of {"Records": [...]}.
  Status AddRecordsJson(std::string_view json);
  // Adds one row given as top-level column values (NULL for missing trailing columns).
  void AddRow(const std::vector<Value>& values);

  const TableSchema& schema() const { return *schema_; }
  size_t row_count() const;
  const std::vector<Chunk>& chunks() const { return chunks_; }

 private:
  Chunk& Tail();
  const TableSchema* schema_;
  std::vector<Chunk> chunks_;
  size_t records_ = 0;
};

class MemoryCatalog : public TableResolver, public ScanProvider {
 public:
  void Add(std::string id, std::shared_ptr<const MemoryTable> table) {
    tables_[std::move(id)] = std::move(table);
  }

  std::optional<TableInfo> Resolve(std::string_view name) const override;
  Result<std::unique_ptr<Operator>> OpenScan(const PlanNode& scan, ExecContext* ctx) override;

 private:
  std::map<std::string, std::shared_ptr<const MemoryTable>, std::less<>> tables_;
};

// Converts a JSON record to a row of `row_type` by the rules above. Exposed for the store adapter's
// tests.
Result<Value> RecordToRow(std::string_view record, const Type& row_type);

}  // namespace cairn::sql
