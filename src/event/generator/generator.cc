// The generator's time loop and file writing (generator.h).
//
// Output layout (spec/trails.md §8, organization trail, no key prefix):
//   DIR/AWSLogs/<org-id>/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/
//       <account>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<UNIQUE>.json.gz
// where the date folders and the timestamp are the file's delivery time (2 to 9 minutes after the
// end of the 5-minute window whose events it holds) and UNIQUE is 16 alphanumerics from the
// seeded stream. File content: gzip of {"Records":[record,record,...]} (record_writer.cc).
//
// Event counts: each (account, region, window) draws a Poisson number of human-stream and of
// machine-stream records whose means follow rhythm.h, scaled so the whole span expects
// options.events records. Then each record picks an API by the stream's weights and an identity
// that may call it.
#include "event/generator/generator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

#include "common/gzip.h"
#include "event/generator/api_catalog.h"
#include "event/generator/organization.h"
#include "event/generator/record_writer.h"
#include "event/generator/rhythm.h"
#include "event/generator/rng.h"
#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

constexpr int64_t kWindow = 300;
constexpr int kWindowsPerDay = static_cast<int>(kSecondsPerDay / kWindow);
constexpr double kHumanShare = 0.15;  // of all records; the rest is machine traffic
enum Stream { kHuman = 0, kMachine = 1 };

// Cumulative weights for weighted picks.
struct WeightedTable {
  std::vector<double> cum;
  std::vector<uint16_t> items;
  double total() const { return cum.empty() ? 0 : cum.back(); }
  void Add(uint16_t item, double w) {
    items.push_back(item);
    cum.push_back(total() + w);
  }
  uint16_t Pick(Rng& rng) const {
    double u = rng.Unit() * total();
    size_t i = std::upper_bound(cum.begin(), cum.end(), u) - cum.begin();
    return items[std::min(i, items.size() - 1)];
  }
  double WeightOf(uint16_t item) const {
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] == item) return cum[i] - (i == 0 ? 0 : cum[i - 1]);
    }
    return 0;
  }
};

// Which APIs and identities an account uses, per stream.
struct AccountTables {
  WeightedTable apis[2][2];            // [region class: 0 us-east-1, 1 other][stream]
  std::vector<int> identity_table[2];  // [stream][api] -> index into identities, or -1
  std::vector<WeightedTable> identities;
  int aws_service = -1;
  int service_event = -1;
};

bool MayCall(const Identity& id, const Api& api, Stream stream) {
  if (id.human != (stream == kHuman)) return false;
  if ((api.actors & KindBit(id.kind)) == 0) return false;
  if (api.kind == ApiKind::kConsoleSignIn && !id.console) return false;
  return true;
}

AccountTables BuildTables(const Organization& org, int a) {
  const Account& acct = org.accounts[a];
  const auto& catalog = Catalog();
  AccountTables t;
  for (size_t i = 0; i < acct.identities.size(); ++i) {
    if (acct.identities[i].kind == IdentityKind::kAwsService) t.aws_service = static_cast<int>(i);
    if (acct.identities[i].kind == IdentityKind::kServiceEvent) {
      t.service_event = static_cast<int>(i);
    }
  }
  for (int s = 0; s < 2; ++s) {
    t.identity_table[s].assign(catalog.size(), -1);
    for (const Api& api : catalog) {
      WeightedTable ids;
      for (size_t i = 0; i < acct.identities.size(); ++i) {
        const Identity& id = acct.identities[i];
        if (MayCall(id, api, static_cast<Stream>(s))) ids.Add(static_cast<uint16_t>(i), id.weight);
      }
      if (ids.items.empty()) continue;
      t.identity_table[s][api.index] = static_cast<int>(t.identities.size());
      t.identities.push_back(std::move(ids));
    }
  }
  for (int cls = 0; cls < 2; ++cls) {
    for (int s = 0; s < 2; ++s) {
      for (const Api& api : catalog) {
        if (cls == 1 && api.scope != ApiScope::kRegional) continue;
        if (api.scope == ApiScope::kManagementOnly && !acct.management) continue;
        double w = s == kHuman ? api.human : api.machine;
        if (w <= 0) continue;
        bool callable = t.identity_table[s][api.index] >= 0;
        if (s == kMachine) {
          callable |= api.service_share > 0 && t.aws_service >= 0;
          callable |=
              (api.actors & KindBit(IdentityKind::kServiceEvent)) != 0 && t.service_event >= 0;
        }
        if (callable) t.apis[cls][s].Add(static_cast<uint16_t>(api.index), w);
      }
    }
  }
  return t;
}

// One record to write in a window.
struct Slot {
  int64_t time;
  uint32_t seq;  // tie-break, keeps the sort deterministic
  uint16_t api;
  uint16_t identity;
  int16_t error;    // RecordSpec::error
  int16_t invoker;  // index into api.invoked_by, or -1
};

class Run {
 public:
  Run(Env* env, const GenerateOptions& o, Organization org)
      : env_(env), o_(o), org_(std::move(org)), catalog_(Catalog()) {}

  Status Prepare();
  Result<GenerateSummary> Execute();

 private:
  struct Totals {
    uint64_t files = 0, records = 0, errors = 0, anomaly_records = 0, json_bytes = 0,
             gzip_bytes = 0;
    std::vector<uint64_t> by_api;
  };
  // Expected records per stream in a window of account a, region r starting at w0.
  double Lambda(int a, int r, int64_t w0, Stream s) const {
    const double mid = static_cast<double>(w0) + kWindow / 2.0;
    const double act = s == kHuman
                           ? HumanActivity(static_cast<int64_t>(mid), org_.utc_offset_hours)
                           : MachineActivity(static_cast<int64_t>(mid), org_.utc_offset_hours);
    return scale_[s] * org_.accounts[a].weight * org_.regions[r].weight * act;
  }
  double Baseline(int a, int r, int api, int64_t start, int64_t end, bool errors_only) const;
  Status RunUnit(uint64_t unit, RecordWriter& writer, std::string& json, Totals& totals);
  // Renders one record of `slot` made by account a in region r, appended to `json`.
  void WriteRecord(int a, int r, const Slot& slot, RecordWriter& writer, Rng& rng,
                   std::string* json, Totals& totals) const;
  void FillSlot(int a, int cls, Stream s, Rng& rng, Slot* slot) const;
  // The Huffman codes every file is compressed with (--gzip-level 0), from a sample of records.
  std::shared_ptr<const gzip::DeflateCodes> BuildCodes() const;
  void Worker(int index);

  Env* env_;
  const GenerateOptions& o_;
  Organization org_;
  const std::vector<Api>& catalog_;
  std::vector<AccountTables> tables_;
  std::vector<Anomaly> anomalies_;
  int64_t start_ = 0, end_ = 0;
  double scale_[2] = {0, 0};
  uint64_t units_ = 0;
  std::shared_ptr<const gzip::DeflateCodes> codes_;  // null unless gzip_level is 0
  std::atomic<uint64_t> next_unit_{0}, done_units_{0}, done_records_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;  // guards status_, totals_, progress calls
  Status status_;
  std::vector<Totals> totals_;
  uint64_t last_progress_ = 0;
};

Status Run::Prepare() {
  end_ = o_.end - o_.end % kWindow;
  start_ = end_ - static_cast<int64_t>(o_.days) * kSecondsPerDay;
  for (int a = 0; a < static_cast<int>(org_.accounts.size()); ++a) {
    tables_.push_back(BuildTables(org_, a));
  }
  // Scale the activity curves so the span expects o_.events records.
  double sum_a = 0, sum_r = 0, sum_h = 0, sum_m = 0;
  for (const Account& a : org_.accounts) sum_a += a.weight;
  for (const RegionInfo& r : org_.regions) sum_r += r.weight;
  for (int64_t w = start_; w < end_; w += kWindow) {
    int64_t mid = w + kWindow / 2;
    sum_h += HumanActivity(mid, org_.utc_offset_hours);
    sum_m += MachineActivity(mid, org_.utc_offset_hours);
  }
  const double n = static_cast<double>(o_.events);
  scale_[kHuman] = n * kHumanShare / (sum_a * sum_r * sum_h);
  scale_[kMachine] = n * (1 - kHumanShare) / (sum_a * sum_r * sum_m);
  units_ = static_cast<uint64_t>(org_.accounts.size()) * org_.regions.size() * o_.days;
  if (o_.anomalies) {
    anomalies_ =
        PlanAnomalies(org_, o_.seed, start_, end_,
                      [this](int a, int r, int api, int64_t s, int64_t e, bool errors_only) {
                        return Baseline(a, r, api, s, e, errors_only);
                      });
  }
  if (o_.gzip_level == 0) codes_ = BuildCodes();
  return Status::OK();
}

std::shared_ptr<const gzip::DeflateCodes> Run::BuildCodes() const {
  // Records drawn as the windows draw them (each account and region in turn, the two streams in
  // their shares, times across the span) from a stream of their own, so the codes, like every
  // byte of the output, depend only on the options. ~700 KB of JSON: enough for stable
  // frequencies, ~1% of the time of a 1M-event run.
  constexpr int kSampleRecords = 480;
  Rng rng(DeriveSeed(o_.seed, {0x636f646573 /* "codes" */}));
  RecordWriter writer(org_);
  Totals scratch;
  scratch.by_api.assign(catalog_.size(), 0);
  std::string sample;
  const int naccounts = static_cast<int>(org_.accounts.size());
  const int nregions = static_cast<int>(org_.regions.size());
  for (int i = 0; i < kSampleRecords; ++i) {
    const int a = i % naccounts;
    const int r = i / naccounts % nregions;
    const int cls = r == 0 ? 0 : 1;
    Stream s = rng.Chance(kHumanShare) ? kHuman : kMachine;
    if (tables_[a].apis[cls][s].total() <= 0) s = s == kHuman ? kMachine : kHuman;
    if (tables_[a].apis[cls][s].total() <= 0) continue;
    Slot slot;
    slot.time = start_ + static_cast<int64_t>(rng.Unit() * static_cast<double>(end_ - start_));
    slot.seq = 0;
    FillSlot(a, cls, s, rng, &slot);
    sample.push_back(',');
    WriteRecord(a, r, slot, writer, rng, &sample, scratch);
  }
  return gzip::DeflateCodes::FromSample(sample);
}

void Run::WriteRecord(int a, int r, const Slot& sl, RecordWriter& writer, Rng& rng,
                      std::string* json, Totals& totals) const {
  const Api& api = catalog_[sl.api];
  RecordSpec spec;
  spec.account = a;
  spec.region = r;
  spec.api = &api;
  spec.identity = &org_.accounts[a].identities[sl.identity];
  spec.time = sl.time;
  if (sl.invoker >= 0) spec.invoked_by = api.invoked_by[sl.invoker];
  spec.error = sl.error;
  RecordFacts facts;
  writer.Write(spec, rng, json, &facts);
  totals.errors += facts.error;
  totals.by_api[sl.api]++;
}

double Run::Baseline(int a, int r, int api, int64_t start, int64_t end, bool errors_only) const {
  const int cls = r == 0 ? 0 : 1;
  const Api& x = catalog_[api];
  double share[2];
  for (int s = 0; s < 2; ++s) {
    const WeightedTable& t = tables_[a].apis[cls][s];
    share[s] = t.total() > 0 ? t.WeightOf(static_cast<uint16_t>(api)) / t.total() : 0;
  }
  double expected = 0;
  for (int64_t w = start - (start % kWindow); w < end; w += kWindow) {
    double overlap = static_cast<double>(std::min(end, w + kWindow) - std::max(start, w)) / kWindow;
    if (overlap <= 0) continue;
    expected += overlap * (Lambda(a, r, w, kHuman) * share[kHuman] +
                           Lambda(a, r, w, kMachine) * share[kMachine]);
  }
  return errors_only ? expected * x.error_rate : expected;
}

void Run::FillSlot(int a, int cls, Stream s, Rng& rng, Slot* slot) const {
  const AccountTables& t = tables_[a];
  const Api& api = catalog_[t.apis[cls][s].Pick(rng)];
  slot->api = static_cast<uint16_t>(api.index);
  slot->error = -2;
  slot->invoker = -1;
  const int table = t.identity_table[s][api.index];
  if (s == kMachine && (api.actors & KindBit(IdentityKind::kServiceEvent)) != 0) {
    slot->identity = static_cast<uint16_t>(t.service_event);
    slot->invoker = 0;
    return;
  }
  if (s == kMachine && api.service_share > 0 && (table < 0 || rng.Chance(api.service_share))) {
    slot->identity = static_cast<uint16_t>(t.aws_service);
    slot->invoker = static_cast<int16_t>(rng.Below(static_cast<uint32_t>(api.invoked_by.size())));
    return;
  }
  slot->identity = t.identities[table].Pick(rng);
}

Status Run::RunUnit(uint64_t unit, RecordWriter& writer, std::string& json, Totals& totals) {
  const int ndays = o_.days;
  const int nregions = static_cast<int>(org_.regions.size());
  const int a = static_cast<int>(unit / (static_cast<uint64_t>(nregions) * ndays));
  const int r = static_cast<int>(unit / ndays % nregions);
  const int d = static_cast<int>(unit % ndays);
  const int cls = r == 0 ? 0 : 1;
  const Account& acct = org_.accounts[a];
  const std::string& region = org_.regions[r].name;
  Rng rng(DeriveSeed(o_.seed, {0x756e6974 /* "unit" */, static_cast<uint64_t>(a),
                               static_cast<uint64_t>(r), static_cast<uint64_t>(d)}));
  std::vector<Slot> slots;
  std::string path, dir, last_dir;
  const int64_t day0 = start_ + static_cast<int64_t>(d) * kSecondsPerDay;
  for (int w = 0; w < kWindowsPerDay; ++w) {
    const int64_t w0 = day0 + static_cast<int64_t>(w) * kWindow;
    slots.clear();
    uint32_t seq = 0;
    for (int s = 0; s < 2; ++s) {
      if (tables_[a].apis[cls][s].total() <= 0) continue;
      uint32_t n = rng.Poisson(Lambda(a, r, w0, static_cast<Stream>(s)));
      for (uint32_t i = 0; i < n; ++i) {
        Slot slot;
        slot.time = w0 + rng.Below(kWindow);
        slot.seq = seq++;
        FillSlot(a, cls, static_cast<Stream>(s), rng, &slot);
        slots.push_back(slot);
      }
    }
    const size_t planned = slots.size();
    for (const Anomaly& an : anomalies_) {
      if (an.account != a || an.region != r) continue;
      uint64_t n = AnomalyRecordsIn(an, w0, w0 + kWindow);
      if (n == 0) continue;
      const int64_t lo = std::max(an.start, w0), hi = std::min(an.end, w0 + kWindow);
      for (uint64_t i = 0; i < n; ++i) {
        Slot slot;
        slot.time = lo + rng.Below(static_cast<uint32_t>(hi - lo));
        slot.seq = seq++;
        slot.api = static_cast<uint16_t>(an.api);
        slot.identity = static_cast<uint16_t>(an.identity);
        slot.error = static_cast<int16_t>(an.error);
        slot.invoker = -1;
        slots.push_back(slot);
      }
    }
    if (slots.empty()) continue;  // CloudTrail never delivers empty log files
    totals.anomaly_records += slots.size() - planned;
    std::sort(slots.begin(), slots.end(), [](const Slot& x, const Slot& y) {
      return x.time != y.time ? x.time < y.time : x.seq < y.seq;
    });
    // Real log files are only roughly in time order: swap a few neighbours.
    for (size_t i = 1; i < slots.size(); ++i) {
      if (rng.Below(16) == 0) std::swap(slots[i - 1], slots[i]);
    }

    json.clear();
    json.append("{\"Records\":[");
    for (size_t i = 0; i < slots.size(); ++i) {
      if (i > 0) json.push_back(',');
      WriteRecord(a, r, slots[i], writer, rng, &json, totals);
    }
    json.append("]}");

    // Delivery: a few minutes after the window closes. Folder and name use the delivery time.
    const int64_t delivery = w0 + kWindow + 120 + rng.Below(420);
    const CivilTime c = ToCivil(delivery);
    dir.clear();
    dir.append(o_.out_dir);
    dir.append("/AWSLogs/");
    dir.append(org_.org_id);
    dir.push_back('/');
    dir.append(acct.id);
    dir.append("/CloudTrail/");
    dir.append(region);
    dir.push_back('/');
    Append4(&dir, c.year);
    dir.push_back('/');
    Append2(&dir, c.month);
    dir.push_back('/');
    Append2(&dir, c.day);
    path = dir;
    path.push_back('/');
    path.append(acct.id);
    path.append("_CloudTrail_");
    path.append(region);
    path.push_back('_');
    Append4(&path, c.year);
    Append2(&path, c.month);
    Append2(&path, c.day);
    path.push_back('T');
    Append2(&path, c.hour);
    Append2(&path, c.minute);
    path.append("Z_");
    AppendRandom(&path, rng, kMixedAlnum, 16);
    path.append(".json.gz");

    std::string gz = o_.gzip_level == 0 ? gzip::DeflateFast(json, codes_.get())
                                        : gzip::Deflate(json, o_.gzip_level);
    if (dir != last_dir) {
      RETURN_IF_ERROR(env_->CreateDirs(dir));
      last_dir = dir;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(path));
    RETURN_IF_ERROR(file->Append(gz));
    RETURN_IF_ERROR(file->Close());
    totals.files++;
    totals.records += slots.size();
    totals.json_bytes += json.size();
    totals.gzip_bytes += gz.size();
    done_records_.fetch_add(slots.size(), std::memory_order_relaxed);
  }
  return Status::OK();
}

void Run::Worker(int index) {
  RecordWriter writer(org_);
  std::string json;
  Totals& totals = totals_[index];
  while (!failed_.load(std::memory_order_relaxed)) {
    uint64_t unit = next_unit_.fetch_add(1);
    if (unit >= units_) break;
    Status s = RunUnit(unit, writer, json, totals);
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (status_.ok()) status_ = s;
      failed_ = true;
      return;
    }
    uint64_t done = done_units_.fetch_add(1) + 1;
    if (o_.progress) {
      std::lock_guard<std::mutex> lock(mu_);
      if (done == units_ || (done * 100 / units_) > (last_progress_ * 100 / units_)) {
        last_progress_ = done;
        o_.progress(done, units_, done_records_.load());
      }
    }
  }
}

Result<GenerateSummary> Run::Execute() {
  const int nthreads = std::max(1, std::min<int>(o_.threads, static_cast<int>(units_)));
  totals_.resize(nthreads);
  for (Totals& t : totals_) t.by_api.assign(catalog_.size(), 0);
  RETURN_IF_ERROR(env_->CreateDirs(o_.out_dir));
  std::vector<std::thread> threads;
  for (int i = 1; i < nthreads; ++i) threads.emplace_back([this, i] { Worker(i); });
  Worker(0);
  for (std::thread& t : threads) t.join();
  RETURN_IF_ERROR(status_);

  if (o_.anomalies) {
    const std::string manifest = AnomalyManifestJson(org_, o_.seed, start_, end_, anomalies_);
    RETURN_IF_ERROR(env_->WriteFileAtomic(o_.out_dir + "/anomalies.json", manifest));
  }

  GenerateSummary sum;
  sum.organization_id = org_.org_id;
  for (const Account& a : org_.accounts) sum.accounts.emplace_back(a.id, a.name);
  for (const RegionInfo& r : org_.regions) sum.regions.push_back(r.name);
  sum.start = start_;
  sum.end = end_;
  sum.anomalies = anomalies_;
  std::vector<uint64_t> by_api(catalog_.size(), 0);
  for (const Totals& t : totals_) {
    sum.files += t.files;
    sum.records += t.records;
    sum.errors += t.errors;
    sum.anomaly_records += t.anomaly_records;
    sum.json_bytes += t.json_bytes;
    sum.gzip_bytes += t.gzip_bytes;
    for (size_t i = 0; i < by_api.size(); ++i) by_api[i] += t.by_api[i];
  }
  for (const Api& api : catalog_) {
    uint64_t n = by_api[api.index];
    if (n == 0) continue;
    sum.by_category[api.event_category] += n;
    sum.by_source[api.source] += n;
    sum.by_type[api.event_type] += n;
  }
  return sum;
}

}  // namespace

Result<GenerateSummary> Generate(Env* env, const GenerateOptions& options) {
  if (options.out_dir.empty())
    return Status::InvalidArgument("--out: an output folder is required");
  if (options.days < 1 || options.days > 3660) {
    return Status::InvalidArgument("--days must be between 1 and 3660, got " +
                                   std::to_string(options.days));
  }
  if (options.gzip_level < 0 || options.gzip_level > 9) {
    return Status::InvalidArgument("gzip level must be between 0 and 9, got " +
                                   std::to_string(options.gzip_level));
  }
  if (options.end < static_cast<int64_t>(options.days) * kSecondsPerDay) {
    return Status::InvalidArgument("--end must be at least --days after 1970-01-01");
  }
  if (options.events > (uint64_t{1} << 40)) {
    return Status::InvalidArgument("--events is too large: " + std::to_string(options.events));
  }
  ASSIGN_OR_RETURN(Organization org,
                   Organization::Build(options.seed, options.accounts, options.regions));
  Run run(env, options, std::move(org));
  RETURN_IF_ERROR(run.Prepare());
  return run.Execute();
}

}  // namespace cairn::gen
