#include "common/progress.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/thread_pool.h"

namespace cairn {
namespace {

// Captures what a Progress writes, through a pipe.
class Capture {
 public:
  Capture() {
    EXPECT_EQ(::pipe(fds_), 0);
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Capture() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::string Drain() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], buf, sizeof(buf))) > 0) out.append(buf, n);
    return out;
  }

 private:
  int fds_[2];
};

TEST(ProgressTest, NotATerminalPrintsOnlyTheFinalLine) {
  auto env = NewMemEnv();
  Capture cap;
  Progress::Options o;
  o.fd = cap.fd();
  o.item_unit = "files";
  o.redraw_interval = std::chrono::milliseconds(1);
  Progress p("import", env.get(), o);
  Progress::Counter& accepted = p.AddCounter("accepted");
  Progress::Counter& rejected = p.AddCounter("rejected");
  for (int i = 0; i < 4; ++i) {
    p.AddItems();
    p.AddBytes(500000);
    accepted.Add(300);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  rejected.Add(2);
  env->AdvanceMicros(2000000);
  EXPECT_EQ(cap.Drain(), "");  // silent while running
  std::string line = p.Finish();
  EXPECT_EQ(line,
            "import: 4 files, 2.0 MB, accepted 1200, rejected 2 in 2.0 s (2.0 files/s, 1.0 MB/s)");
  EXPECT_EQ(cap.Drain(), line + "\n");
  EXPECT_EQ(p.Finish(), line);  // idempotent, prints once
  EXPECT_EQ(cap.Drain(), "");
}

TEST(ProgressTest, ZeroElapsedAndNoBytes) {
  auto env = NewMemEnv();
  Capture cap;
  Progress::Options o;
  o.fd = cap.fd();
  {
    Progress p("rebuild", env.get(), o);
    p.AddItems(3);
  }  // the destructor finishes
  EXPECT_EQ(cap.Drain(), "rebuild: 3 items in 0.0 s\n");
}

TEST(ProgressTest, QuietPrintsNothing) {
  auto env = NewMemEnv();
  Capture cap;
  Progress::Options o;
  o.fd = cap.fd();
  o.quiet = true;
  o.is_tty = true;
  Progress p("x", env.get(), o);
  p.AddItems(1);
  EXPECT_EQ(p.Finish(), "x: 1 items in 0.0 s");
  EXPECT_EQ(cap.Drain(), "");
}

TEST(ProgressTest, TerminalRedrawsInPlace) {
  auto env = NewMemEnv();
  Capture cap;
  Progress::Options o;
  o.fd = cap.fd();
  o.is_tty = true;
  o.total_items = 10;
  o.item_unit = "events";
  o.redraw_interval = std::chrono::milliseconds(5);
  Progress p("import", env.get(), o);
  p.AddItems(5);
  env->AdvanceMicros(1000000);
  EXPECT_EQ(p.StatusLine(), "import: 5 events 50% | 5.0 events/s | 1.0 s");
  std::string seen;
  for (int i = 0; i < 200 && seen.find("50%") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen += cap.Drain();
  }
  EXPECT_NE(seen.find("\r\x1b[Kimport: 5 events 50%"), std::string::npos) << seen;
  EXPECT_EQ(seen.find('\n'), std::string::npos);  // live lines never scroll
  p.Finish();
  std::string tail = cap.Drain();
  const std::string final_line = "\r\x1b[Kimport: 5 events in 1.0 s (5.0 events/s)\n";
  ASSERT_GE(tail.size(), final_line.size());
  EXPECT_EQ(tail.substr(tail.size() - final_line.size()), final_line);
}

TEST(ProgressTest, CountsFromManyThreads) {
  auto env = NewMemEnv();
  Capture cap;
  Progress::Options o;
  o.fd = cap.fd();
  Progress p("par", env.get(), o);
  Progress::Counter& c = p.AddCounter("ok");
  ThreadPool pool(4);
  pool.ParallelFor(10000, [&](size_t) {
    p.AddItems();
    p.AddBytes(10);
    c.Add();
  });
  EXPECT_EQ(p.items(), 10000u);
  EXPECT_EQ(p.bytes(), 100000u);
  EXPECT_EQ(c.value(), 10000u);
}

}  // namespace
}  // namespace cairn
