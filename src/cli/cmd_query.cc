// `cairn query --data DIR "SQL" [--format table|json|csv] [--account A] [--time-limit S]
// [--memory-limit MIB] [--repeat N]`: runs one CloudTrail Lake SQL statement over the data folder's
// event data stores (table names are store ids: `cairn stores` lists them) and prints the result:
//   table  aligned columns (long values clipped), then "(N rows)" and the statistics line
//   json   the Lake's GetQueryResults document (QueryStatus, QueryStatistics, QueryResultRows)
//   csv    RFC 4180 with a header row; NULL is an empty field
// The SQL is read from stdin when the argument is "-".
// Exit 0 on success; 2 for usage errors and refused statements (InvalidQueryStatementException,
// EventDataStoreNotFoundException: the message names line and column); 1 when the query fails
// while running (time or memory limit, a failed CAST, unreadable store).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cloud/lake_query.h"
#include "common/json_writer.h"
#include "sql/result_format.h"
#include "sql/sql_error.h"

namespace cairn::cli {
namespace {

struct QueryArgs {
  DataFlags data;
  std::string sql;
  std::string format = "table";
  std::string account;
  double time_limit_s = 3600;
  int64_t memory_limit_mib = 2048;
  int repeat = 0;
};

// Cuts to `width` characters (UTF-8 aware), marking the cut with '~'.
std::string Clip(const std::string& s, size_t width) {
  size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == width - 1) break;
      ++chars;
    }
  }
  if (i >= s.size()) return s;
  // The rest fits when it is one character.
  size_t rest = 0;
  for (size_t k = i; k < s.size(); ++k) rest += (static_cast<unsigned char>(s[k]) & 0xC0) != 0x80;
  if (rest <= 1) return s;
  return s.substr(0, i) + "~";
}

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Control characters (newlines in SQL text, tabs) would break the table's lines.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s;
}

std::string Table(const cloud::LakeQueryResult& r) {
  constexpr size_t kMaxWidth = 60;
  const sql::QueryResult& q = r.result;
  std::vector<std::vector<std::string>> cells;
  cells.push_back({});
  for (const std::string& name : q.column_names) cells[0].push_back(Clip(OneLine(name), kMaxWidth));
  for (const auto& row : q.Rows()) {
    std::vector<std::string> line;
    for (const auto& cell : row) line.push_back(cell ? Clip(OneLine(*cell), kMaxWidth) : "NULL");
    cells.push_back(std::move(line));
  }
  std::vector<size_t> widths(q.column_names.size(), 0);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], Width(line[c]));
  }
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    for (size_t c = 0; c < cells[i].size(); ++c) {
      if (c > 0) out += "  ";
      out += cells[i][c];
      if (c + 1 < cells[i].size()) out.append(widths[c] - Width(cells[i][c]), ' ');
    }
    out += '\n';
    if (i == 0) {
      for (size_t c = 0; c < widths.size(); ++c) {
        if (c > 0) out += "  ";
        out.append(widths[c], '-');
      }
      out += '\n';
    }
  }
  const cloud::LakeQueryStatistics& st = r.statistics;
  out += "(" + WithCommas(q.row_count) + (q.row_count == 1 ? " row" : " rows") + "; " +
         WithCommas(st.events_scanned) + " events scanned, " + WithCommas(st.events_matched) +
         " matched, " + WithCommas(st.bytes_scanned) + " bytes scanned, " +
         std::to_string(st.execution_time_ms) + " ms)\n";
  return out;
}

void CsvField(std::string_view v, std::string* out) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string Csv(const sql::QueryResult& q) {
  std::string out;
  for (size_t c = 0; c < q.column_names.size(); ++c) {
    if (c > 0) out += ',';
    CsvField(q.column_names[c], &out);
  }
  out += "\r\n";
  for (const auto& row : q.Rows()) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      if (row[c]) CsvField(*row[c], &out);
    }
    out += "\r\n";
  }
  return out;
}

int Fail(const Status& s) {
  if (auto e = sql::SqlError::FromStatus(s)) {
    std::fprintf(stderr, "cairn: %s: %s\n", e->exception.c_str(), e->Text().c_str());
    return kExitUsage;
  }
  return ReportError(s);
}

int RunQuery(QueryArgs args) {
  if (args.sql == "-") {
    args.sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (args.format != "table" && args.format != "json" && args.format != "csv") {
    std::fprintf(stderr, "cairn: --format: expected table, json or csv, got '%s'\n",
                 args.format.c_str());
    return kExitUsage;
  }
  if (!(args.time_limit_s > 0)) {
    std::fprintf(stderr, "cairn: --time-limit: must be a positive number of seconds\n");
    return kExitUsage;
  }
  if (args.memory_limit_mib <= 0) {
    std::fprintf(stderr, "cairn: --memory-limit: must be a positive number of MiB\n");
    return kExitUsage;
  }
  cloud::DataDirOptions options;
  options.store_options.background_maintenance = false;
  options.history_options.background_maintenance = false;
  auto data = OpenDataDir(args.data, /*create=*/false, options);
  if (!data.ok()) return ReportError(data.status());

  cloud::LakeQueryOptions q;
  if (!args.account.empty()) q.restrict_account = args.account;
  q.time_limit_ms = static_cast<int64_t>(args.time_limit_s * 1000);
  if (q.time_limit_ms < 1) q.time_limit_ms = 1;
  q.memory_limit_bytes = args.memory_limit_mib << 20;
  Result<cloud::LakeQueryResult> r = cloud::RunLakeQuery(data->dir.get(), args.sql, q);
  if (!r.ok()) return Fail(r.status());
  if (args.repeat > 0) {
    // Hot runs for benchmarks: the same statement again in this process (stores open, caches warm).
    std::string times;
    for (int i = 0; i < args.repeat; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      Result<cloud::LakeQueryResult> again = cloud::RunLakeQuery(data->dir.get(), args.sql, q);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!again.ok()) return Fail(again.status());
      times += (i ? "," : "") + std::to_string(ms);
    }
    std::fprintf(stderr, "{\"runs_ms\":[%s]}\n", times.c_str());
  }
  Status closed = data->dir->Close();
  if (!closed.ok()) return ReportError(closed);

  std::string out;
  if (args.format == "json") {
    out = cloud::LakeResultsJson(*r, 2) + "\n";
  } else if (args.format == "csv") {
    out = Csv(r->result);
  } else {
    out = Table(*r);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

std::function<int()> SetupQuery(CLI::App* cmd) {
  auto args = std::make_shared<QueryArgs>();
  AddDataFlags(cmd, &args->data);
  cmd->add_option(
         "sql", args->sql,
         "The SELECT statement (\"-\" reads it from stdin); tables are event data store ids")
      ->required();
  cmd->add_option("--format", args->format, "table (default), json (GetQueryResults) or csv");
  cmd->add_option(
      "--account", args->account,
      "Only this account's events are visible (recipientAccountId), as for a member account");
  cmd->add_option("--time-limit", args->time_limit_s, "Seconds the query may run (default 3600)");
  cmd->add_option("--memory-limit", args->memory_limit_mib,
                  "MiB of memory for sorts, hash tables and the result (default 2048)");
  cmd->add_option("--repeat", args->repeat,
                  "Run the statement N more times in the same process and print their times "
                  "(JSON on stderr); for benchmarks");
  return [args] { return RunQuery(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(query, "query",
                       "Run a CloudTrail Lake SQL query over the data folder's event data stores",
                       SetupQuery)
}  // namespace cairn::cli
