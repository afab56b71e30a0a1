#include "common/progress.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace cairn {
namespace {

std::string HumanBytes(double b) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, kUnits[u]);
}

std::string Rate(double per_s) {
  return per_s >= 100 ? fmt::format("{:.0f}", per_s) : fmt::format("{:.1f}", per_s);
}

int TerminalColumns(int fd) {
  struct winsize ws;
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

Progress::Progress(std::string label, Env* env) : Progress(std::move(label), env, Options()) {}

Progress::Progress(std::string label, Env* env, Options options)
    : label_(std::move(label)),
      env_(env),
      options_(std::move(options)),
      draw_(!options_.quiet && options_.is_tty.value_or(::isatty(options_.fd) == 1)),
      start_micros_(env->NowMicros()) {
  if (draw_) drawer_ = std::thread([this] { DrawLoop(); });
}

Progress::~Progress() { Finish(); }

Progress::Counter& Progress::AddCounter(std::string name) {
  std::lock_guard<std::mutex> l(mu_);
  counters_.emplace_back(new Counter(std::move(name)));
  return *counters_.back();
}

void Progress::Write(std::string_view s) const {
  while (!s.empty()) {
    ssize_t w = ::write(options_.fd, s.data(), s.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // progress output is best effort: a closed stderr must not fail the work
    }
    s.remove_prefix(static_cast<size_t>(w));
  }
}

std::string Progress::Line(bool final) const {
  const uint64_t items = this->items();
  const uint64_t bytes = this->bytes();
  const double secs = static_cast<double>(env_->NowMicros() - start_micros_) / 1e6;
  const std::string sep = final ? ", " : " | ";

  std::string s = fmt::format("{}: {} {}", label_, items, options_.item_unit);
  if (options_.total_items > 0 && !final) {
    s += fmt::format(" {}%", std::min<uint64_t>(100, items * 100 / options_.total_items));
  }
  if (bytes > 0) s += sep + HumanBytes(static_cast<double>(bytes));
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& c : counters_) s += fmt::format("{}{} {}", sep, c->name_, c->value());
  }
  std::string rates;
  if (secs > 0) {
    rates = fmt::format("{} {}/s", Rate(items / secs), options_.item_unit);
    if (bytes > 0) rates += fmt::format("{}{}/s", final ? ", " : " ", HumanBytes(bytes / secs));
  }
  if (final) {
    s += fmt::format(" in {:.1f} s", secs);
    if (!rates.empty()) s += " (" + rates + ")";
  } else {
    if (!rates.empty()) s += sep + rates;
    s += fmt::format("{}{:.1f} s", sep, secs);
  }
  return s;
}

std::string Progress::StatusLine() const { return Line(/*final=*/false); }

void Progress::DrawLoop() {
  std::unique_lock<std::mutex> l(stop_mu_);
  while (!stop_cv_.wait_for(l, options_.redraw_interval, [&] { return stop_; })) {
    std::string line = Line(/*final=*/false);
    const size_t cols = static_cast<size_t>(TerminalColumns(options_.fd));
    if (line.size() >= cols) line.resize(cols - 1);  // a wrapped line could not be redrawn in place
    Write("\r\x1b[K" + line);
  }
}

std::string Progress::Finish() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (finished_) return final_line_;
    finished_ = true;
  }
  if (drawer_.joinable()) {
    {
      std::lock_guard<std::mutex> l(stop_mu_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    drawer_.join();
  }
  std::string line = Line(/*final=*/true);
  if (!options_.quiet) Write((draw_ ? "\r\x1b[K" : "") + line + "\n");
  std::lock_guard<std::mutex> l(mu_);
  final_line_ = line;
  return line;
}

}  // namespace cairn
