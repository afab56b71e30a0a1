// src/sql/sql_test_util.h
//
// Test support (header only, included by *_test.cc): runs SQL over in-memory tables and renders
// results as compact text, one row per line, cells separated by '|', NULL as "NULL", and errors as
// "ERROR <message>" (statement errors with their "line:col" text).
//
// Thread-safety: a fixture belongs to one test.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/env.h"
#include "sql/exec/memory_table.h"
#include "sql/query_runner.h"
#include "sql/sql_error.h"

namespace cairn::sql::testing {

class SqlFixture {
 public:
  SqlFixture() {
    options_.now_micros = 1700000000LL * 1000000 + 123456;
  }  // 2023-11-14 22:13:20.123456

  std::shared_ptr<MemoryTable> AddTable(const std::string& id, TableFamily family) {
    auto t = std::make_shared<MemoryTable>(&SchemaFor(family));
    catalog_.Add(id, t);
    return t;
  }

  // A CloudTrail table with the 310 real records of shared/data (35 files, sorted by name).
  Status LoadStratus(const std::string& id) {
    auto t = AddTable(id, TableFamily::kCloudTrail);
    stratus_ = t;
    std::string dir =
        std::string(CAIRN_SHARED_DATA) + "/cloudtrail-real/stratus-red-team/detonation-logs";
    Env* env = Env::Default();
    ASSIGN_OR_RETURN(std::vector<std::string> files, env->GetChildren(dir));
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      if (f.size() < 5 || f.substr(f.size() - 5) != ".json") continue;
      ASSIGN_OR_RETURN(std::string text, env->ReadFile(dir + "/" + f));
      RETURN_IF_ERROR(t->AddRecordsJson(text).WithPrefix(f));
    }
    return Status::OK();
  }

  Result<QueryResult> Query(std::string_view sql, bool optimize = true) {
    QueryOptions o = options_;
    o.optimize = optimize;
    return RunSql(sql, catalog_, &catalog_, o);
  }

  std::string Sql(std::string_view sql, bool optimize = true) {
    auto r = Query(sql, optimize);
    if (!r.ok()) {
      auto e = SqlError::FromStatus(r.status());
      return "ERROR " + (e ? e->Text() : r.status().message());
    }
    std::string out;
    for (const auto& row : r->Rows()) {
      if (!out.empty()) out += '\n';
      for (size_t c = 0; c < row.size(); ++c) {
        if (c) out += '|';
        out += row[c] ? *row[c] : "NULL";
      }
    }
    return out;
  }

  // One expression without a table: "SELECT <expr>" (constant-folded by the binder).
  std::string Eval(std::string_view expr) { return Sql("SELECT " + std::string(expr)); }

  // `expr` over the rows of VALUES <rows> AS t(x), evaluated as a batch by the executor; the
  // results joined with ','.
  std::string Over(std::string_view rows, std::string_view expr) {
    std::string out =
        Sql("SELECT " + std::string(expr) + " FROM (VALUES " + std::string(rows) + ") AS t(x)");
    if (out.rfind("ERROR", 0) == 0) return out;
    std::replace(out.begin(), out.end(), '\n', ',');
    return out;
  }

  MemoryCatalog& catalog() { return catalog_; }
  // The table LoadStratus filled.
  std::shared_ptr<MemoryTable> stratus() const { return stratus_; }
  QueryOptions& options() { return options_; }

 private:
  MemoryCatalog catalog_;
  QueryOptions options_;
  std::shared_ptr<MemoryTable> stratus_;
};

}  // namespace cairn::sql::testing
