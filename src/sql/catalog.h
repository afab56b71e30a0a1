// src/sql/catalog.h
//
// The table schemas as SQL sees them (spec/lake.md §6): one per event data store family, each a
// row type of lower-case columns, with nested structs as row types, `resources` as
// array(row(accountid, type, arn, arnprefix)) and map columns as map(varchar, varchar).
//
// For the CloudTrail family, every leaf path maps to the store's column id (src/store/columns.h is
// the one list of stored columns; a test checks that the two agree). Leaves with no stored column
// (resources.arnprefix) read as NULL. The other families have no store columns yet.
//
// Thread-safety: immutable singletons.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/types.h"
#include "store/columns.h"

namespace cairn::sql {

enum class TableFamily : uint8_t {
  kCloudTrail,   // Management, Data, NetworkActivity events (§6.1)
  kConfig,       // AWS Config configuration items (§6.2)
  kEvidence,     // Audit Manager evidence (§6.3)
  kActivityLog,  // events from outside AWS, via channels (§6.4)
  kInsight,      // CloudTrail Insights events (§6.5)
};

class TableSchema {
 public:
  TableSchema(TableFamily family, std::string_view name, Type row_type);

  TableFamily family() const { return family_; }
  std::string_view name() const { return name_; }
  // row(<column> <type>, ...) in the order SELECT * returns them.
  const Type& row_type() const { return row_type_; }
  const std::vector<RowField>& columns() const { return row_type_.fields(); }

  // The store column behind a leaf path ("useridentity.sessioncontext.sessionissuer.arn",
  // "resources.arn"), matched case-insensitively. nullopt when the path is not a stored leaf.
  std::optional<ColumnId> StoreColumn(std::string_view path) const;

 private:
  TableFamily family_;
  std::string_view name_;
  Type row_type_;
};

const TableSchema& CloudTrailSchema();
const TableSchema& ConfigSchema();
const TableSchema& EvidenceSchema();
const TableSchema& ActivityLogSchema();
const TableSchema& InsightSchema();
const TableSchema& SchemaFor(TableFamily family);

// Every leaf of a row type as a dotted lower-case path with its type, depth first, in field order.
// Arrays of rows contribute their element fields as "<column>.<field>".
std::vector<std::pair<std::string, Type>> LeafPaths(const Type& row_type);

// An event data store the statement names, as the binder needs it.
struct TableInfo {
  std::string id;  // the event data store id (the table name)
  const TableSchema* schema = nullptr;
};

// Resolves table names to the caller's event data stores. The API layer implements it over the
// registry (with access rules); tests use a fixed map.
class TableResolver {
 public:
  virtual ~TableResolver() = default;
  // nullopt when no store with that id exists or the caller may not query it.
  virtual std::optional<TableInfo> Resolve(std::string_view name) const = 0;
};

}  // namespace cairn::sql
