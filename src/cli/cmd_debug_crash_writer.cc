// `cairn debug crash-writer --dir D --seed S --first-batch N`: the child process of the store's
// crash test (src/store/event_store_crash_test.cc). It opens (or creates) the store in D with small
// memtables, so flushes and compactions are frequent, and appends the crash workload's batches N,
// N+1, ... from several threads (every fourth batch as a direct write, EventStore::AppendDirect).
// After each Append returns OK it writes "ack <b>\n" to stdout with one write(2), so whatever the
// parent has read was acknowledged before the kill. Runs until killed (or --batches are done).
// Hidden: a test tool, not a user command.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "common/env.h"
#include "event/record_parser.h"
#include "store/crash_workload.h"
#include "store/event_store.h"

namespace cairn::cli {
namespace {

struct CrashWriterArgs {
  std::string dir;
  uint64_t seed = 1;
  uint64_t first_batch = 0;
  uint64_t batches = UINT64_MAX;
  int threads = 2;
};

int RunCrashWriter(const CrashWriterArgs& a) {
  StoreOptions options = crash_workload::StoreOptionsForCrashTest();
  auto store = EventStore::Open(Env::Default(), a.dir, options);
  if (!store.ok() && store.status().code() == StatusCode::kNotFound) {
    store = EventStore::Create(Env::Default(), a.dir, options);
  }
  if (!store.ok()) return ReportError(store.status());
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < a.threads; ++t) {
    threads.emplace_back([&, t] {
      RecordParser parser;
      for (uint64_t i = t; i < a.batches && !failed.load(); i += a.threads) {
        const uint64_t b = a.first_batch + i;
        auto batch = crash_workload::MakeBatch(a.seed, b, &parser);
        if (!batch.ok()) {
          ReportError(batch.status());
          failed = true;
          return;
        }
        // One batch in four goes through the bulk-import path (a segment of its own, no WAL).
        Result<AppendResult> r = AppendResult{};
        if (b % 4 == 3) {
          std::vector<EventBatch> direct;
          direct.push_back(std::move(*batch));
          r = (*store)->AppendDirect(std::move(direct));
        } else {
          r = (*store)->Append(std::move(*batch));
        }
        if (!r.ok()) {
          ReportError(r.status());
          failed = true;
          return;
        }
        const std::string line = "ack " + std::to_string(b) + "\n";
        if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          failed = true;
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  StoreStats st = (*store)->Stats();
  std::fprintf(stderr, "crash-writer: %llu flushes, %llu compactions, %llu segments\n",
               static_cast<unsigned long long>(st.flushes),
               static_cast<unsigned long long>(st.compactions),
               static_cast<unsigned long long>(st.segment_count));
  Status s = (*store)->Close();
  if (!s.ok()) return ReportError(s);
  return failed ? kExitFailed : kExitOk;
}

std::function<int()> SetupDebug(CLI::App* cmd) {
  cmd->group("");  // hidden from --help
  cmd->require_subcommand(1);
  auto args = std::make_shared<CrashWriterArgs>();
  CLI::App* cw = cmd->add_subcommand("crash-writer", "Append the crash-test workload until killed");
  cw->add_option("--dir", args->dir, "Store folder")->required();
  cw->add_option("--seed", args->seed, "Workload seed");
  cw->add_option("--first-batch", args->first_batch, "Number of the first batch");
  cw->add_option("--batches", args->batches, "Stop after this many batches");
  cw->add_option("--threads", args->threads, "Appending threads")->check(CLI::Range(1, 64));
  return [args, cw] {
    if (cw->parsed()) return RunCrashWriter(*args);
    return kExitUsage;
  };
}

}  // namespace
CAIRN_REGISTER_COMMAND(debug, "debug", "Developer tools (hidden)", SetupDebug)
}  // namespace cairn::cli
