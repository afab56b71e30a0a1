// The store's crash test: a child process (`cairn debug crash-writer`) appends random batches to a
// store on the real file system and reports each acknowledgement; the parent kills it with SIGKILL
// at random points — while appending, flushing, compacting, or still opening and replaying — then
// reopens the store and checks it against what was acknowledged:
//   - every event of every acknowledged batch is present, exactly once;
//   - no batch is partly present (a batch is all or nothing);
//   - no event is present twice (deduplication holds across kills and restarts).
// CAIRN_CRASH_ITERATIONS and CAIRN_CRASH_SEED override the defaults (for soak runs).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/env.h"
#include "store/crash_workload.h"
#include "store/event_store.h"

namespace cairn {
namespace {

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

Child Spawn(const std::vector<std::string>& argv, const std::string& stderr_path) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads whatever the child wrote, parses complete "ack <b>" lines into `acks`.
void Drain(int fd, int timeout_ms, std::string* pending, std::vector<uint64_t>* acks, bool* eof) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n <= 0) {
    *eof = true;
    return;
  }
  pending->append(buf, n);
  size_t nl;
  while ((nl = pending->find('\n')) != std::string::npos) {
    std::string line = pending->substr(0, nl);
    pending->erase(0, nl + 1);
    if (line.rfind("ack ", 0) == 0) acks->push_back(std::stoull(line.substr(4)));
  }
}

std::string ReadStderr(const std::string& path) {
  auto s = Env::Default()->ReadFile(path);
  return s.ok() ? *s : "";
}

TEST(EventStoreCrash, KilledWriterLosesNothingAcknowledgedAndNeverHalfABatch) {
  const uint64_t seed = EnvNumber("CAIRN_CRASH_SEED", 20250101);
  const uint64_t iterations = EnvNumber("CAIRN_CRASH_ITERATIONS", 60);
  char tmpl[] = "/tmp/cairn-crash-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  const std::string dir = root + "/store";
  const std::string log = root + "/child.stderr";
  Env* env = Env::Default();
  std::mt19937_64 rng(seed);
  std::set<uint64_t> acked;  // batches whose own content was acknowledged (directly or re-sent)
  uint64_t total_acks = 0;
  uint64_t kills = 0;

  for (uint64_t it = 0; it < iterations; ++it) {
    const uint64_t first = it * 1000000;
    Child child = Spawn({CAIRN_BINARY, "debug", "crash-writer", "--dir", dir, "--seed",
                         std::to_string(seed), "--first-batch", std::to_string(first)},
                        log);
    ASSERT_GT(child.pid, 0);
    // Kill points: by time since start (may land in open, replay or the recovery flush), or after
    // some acknowledgements (in the middle of appends, flushes and compactions).
    const auto start = std::chrono::steady_clock::now();
    const bool by_acks = it % 3 != 0;
    const uint64_t want_acks = 1 + rng() % 80;
    const auto deadline = start + std::chrono::milliseconds(by_acks ? 20000 : 5 + rng() % 150);
    const auto extra = std::chrono::microseconds(rng() % 20000);
    std::string pending;
    std::vector<uint64_t> acks;
    bool eof = false;
    while (!eof && std::chrono::steady_clock::now() < deadline &&
           (!by_acks || acks.size() < want_acks)) {
      Drain(child.out, 2, &pending, &acks, &eof);
    }
    if (by_acks && !eof) {
      const auto until = std::chrono::steady_clock::now() + extra;
      while (!eof && std::chrono::steady_clock::now() < until)
        Drain(child.out, 1, &pending, &acks, &eof);
    }
    kill(child.pid, SIGKILL);
    int wstatus = 0;
    waitpid(child.pid, &wstatus, 0);
    while (!eof) Drain(child.out, 100, &pending, &acks, &eof);  // acks written before the kill
    close(child.out);
    ASSERT_TRUE(WIFSIGNALED(wstatus))
        << "crash-writer exited on its own (status " << wstatus << "):\n"
        << ReadStderr(log);
    ++kills;
    total_acks += acks.size();
    for (uint64_t b : acks) acked.insert(crash_workload::ContentOf(seed, b));

    // Reopen and check.
    StoreOptions options = crash_workload::StoreOptionsForCrashTest();
    options.background_maintenance = false;
    auto store = EventStore::Open(env, dir, options);
    if (!store.ok() && store.status().code() == StatusCode::kNotFound && acked.empty()) continue;
    ASSERT_TRUE(store.ok()) << "iteration " << it << ": " << store.status().ToString();
    EXPECT_TRUE((*store)->Stats().bad_segments.empty());
    std::map<uint64_t, std::map<size_t, int>> seen;  // batch -> event index -> copies
    Status s = (*store)->GetSnapshot()->ForEachEvent([&](const Event& e, const EventBatch&) {
      uint64_t b;
      size_t i;
      if (!crash_workload::ParseEventId(e.event_id, &b, &i)) {
        return Status::DataLoss("unexpected event id " + std::string(e.event_id));
      }
      seen[b][i]++;
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (const auto& [b, events] : seen) {
      const size_t n = crash_workload::OwnEventCount(seed, b);
      ASSERT_EQ(events.size(), n) << "iteration " << it << ": batch " << b << " is partly present";
      for (const auto& [i, copies] : events) {
        ASSERT_EQ(copies, 1) << "iteration " << it << ": event " << crash_workload::EventId(b, i)
                             << " is stored " << copies << " times";
      }
    }
    for (uint64_t b : acked) {
      ASSERT_TRUE(seen.count(b)) << "iteration " << it << ": acknowledged batch " << b
                                 << " is lost";
    }
    ASSERT_TRUE((*store)->Close().ok());
  }
  EXPECT_GE(kills, 50u);
  EXPECT_GT(total_acks, iterations);  // the workload really ran
  std::printf("crash test: %llu kills, %llu acknowledged appends, %zu batches checked\n",
              static_cast<unsigned long long>(kills), static_cast<unsigned long long>(total_acks),
              acked.size());
  env->RemoveAll(root).IgnoreError();
}

}  // namespace
}  // namespace cairn
