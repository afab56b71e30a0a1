// src/store/event_store.cc
//
// The engine's moving parts and how they interlock (the full story is doc/store.md):
//
// - mu_ guards the write queue, the memtables, the current WAL, the current Version and the
//   background state. Appenders queue in writers_; the front one is the leader: it makes room
//   (switching the memtable for a flush when it is full), takes the writers behind it as its group,
//   and then — with mu_ released — deduplicates the group, writes one buffer to the WAL, fsyncs
//   once, and publishes the batches in the memtable. Only the leader touches mem_'s key set and the
//   WAL writer, so that needs no lock. The others wait and are handed their result.
// - manifest_mu_ serialises manifest writers (flush install, compaction install, retention,
//   settings). It is taken before mu_, never while holding it.
// - The flush thread writes imm_ (the switched-out memtable) into a segment, installs a manifest
//   that names it and covers the WAL files imm_ came from, then deletes those WAL files.
// - The maintenance thread flushes old memtables, compacts small segments and applies retention.
#include "store/event_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "event/record_parser.h"
#include "store/retention.h"
#include "store/wal_batch.h"
#include "store/wal_format.h"
#include "store/wal_reader.h"
#include "store/wal_writer.h"

namespace cairn {
namespace {

constexpr std::string_view kManifestName = "MANIFEST";

bool IsTempName(std::string_view name) { return name.find(".tmp") != std::string_view::npos; }

std::string JoinPath(const std::string& dir, std::string_view name) {
  if (dir.empty() || dir.back() == '/') return dir + std::string(name);
  return dir + "/" + std::string(name);
}

std::string ParentDir(const std::string& dir) {
  size_t slash = dir.find_last_of('/', dir.size() > 1 ? dir.size() - 2 : std::string::npos);
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return dir.substr(0, slash);
}

}  // namespace

struct EventStore::Writer {
  std::shared_ptr<EventBatch> batch;          // null for a forced memtable switch (Flush)
  std::vector<EventBatch>* direct = nullptr;  // AppendDirect's batches (then batch is null)
  bool force_switch = false;
  bool done = false;
  Status status;
  AppendResult result;
  std::condition_variable cv;
};

EventStore::EventStore(Env* env, std::string dir, StoreOptions options)
    : env_(env),
      dir_(std::move(dir)),
      wal_dir_(JoinPath(dir_, "wal")),
      segment_dir_(JoinPath(dir_, "segments")),
      options_(std::move(options)),
      digests_(options_.digest_cache != nullptr
                   ? options_.digest_cache
                   : std::make_shared<KeyDigestCache>(options_.max_digest_bytes)) {}

EventStore::~EventStore() { Close().IgnoreError(); }

std::string EventStore::SegmentPath(uint64_t number) const {
  return JoinPath(segment_dir_, SegmentFileName(number));
}
std::string EventStore::WalPath(uint64_t number) const {
  return JoinPath(wal_dir_, wal::FileName(number));
}

Result<std::unique_ptr<EventStore>> EventStore::Create(Env* env, const std::string& dir,
                                                       const StoreOptions& options) {
  RETURN_IF_ERROR(ValidateRetentionDays(options.settings.retention_days));
  if (env->FileExists(JoinPath(dir, kManifestName))) {
    return Status::AlreadyExists(fmt::format("{}: a store already exists here", dir));
  }
  std::unique_ptr<EventStore> store(new EventStore(env, dir, options));
  RETURN_IF_ERROR(store->Initialize(/*create=*/true));
  return store;
}

Result<std::unique_ptr<EventStore>> EventStore::Open(Env* env, const std::string& dir,
                                                     const StoreOptions& options) {
  if (!env->FileExists(JoinPath(dir, kManifestName))) {
    return Status::NotFound(fmt::format("{}: no event store here (no MANIFEST)", dir));
  }
  std::unique_ptr<EventStore> store(new EventStore(env, dir, options));
  RETURN_IF_ERROR(store->Initialize(/*create=*/false));
  return store;
}

Status EventStore::Initialize(bool create) {
  RETURN_IF_ERROR(env_->CreateDirs(wal_dir_));
  RETURN_IF_ERROR(env_->CreateDirs(segment_dir_));
  const std::string manifest_path = JoinPath(dir_, kManifestName);
  Manifest m;
  if (create) {
    m.settings = options_.settings;
    m.sequence = 1;
    RETURN_IF_ERROR(env_->WriteFileAtomic(manifest_path, EncodeManifest(m)));
    // The store folder itself must survive a power cut too (WriteFileAtomic synced its contents).
    env_->SyncDir(ParentDir(dir_)).IgnoreError();  // best effort: the parent may not be ours
  } else {
    ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(manifest_path));
    ASSIGN_OR_RETURN(m, DecodeManifest(bytes, manifest_path));
  }
  RETURN_IF_ERROR(Recover(m));
  StartThreads();
  return Status::OK();
}

std::shared_ptr<LiveSegment> EventStore::OpenSegment(const SegmentInfo& info) {
  const std::string path = SegmentPath(info.number);
  auto reader = SegmentReader::Open(env_, path);
  if (!reader.ok()) {
    Status s = reader.status();
    if (s.code() == StatusCode::kNotFound) {
      s = Status::DataLoss(fmt::format("{}: segment listed in the MANIFEST is missing", path));
    }
    return std::make_shared<LiveSegment>(env_, path, info, nullptr, s);
  }
  if ((*reader)->meta().event_count != info.event_count) {
    Status s = Status::DataLoss(fmt::format("{}: holds {} events, the MANIFEST says {}", path,
                                            (*reader)->meta().event_count, info.event_count));
    return std::make_shared<LiveSegment>(env_, path, info, nullptr, s);
  }
  return std::make_shared<LiveSegment>(env_, path, info, std::move(*reader), Status::OK());
}

// Recovery: remove what a crash left behind (temp files, segments written but never installed,
// WAL files already covered by segments), open the segments, replay the live WAL files into a
// memtable that is then flushed in the background, and start a fresh WAL.
Status EventStore::Recover(const Manifest& manifest) {
  manifest_ = manifest;
  retention_days_ = manifest.settings.retention_days;
  uint64_t max_number = 0;
  ASSIGN_OR_RETURN(std::vector<std::string> top, env_->GetChildren(dir_));
  for (const std::string& name : top) {
    if (IsTempName(name)) env_->RemoveFile(JoinPath(dir_, name)).IgnoreError();
  }
  std::set<uint64_t> live;
  for (const SegmentInfo& s : manifest.segments) live.insert(s.number);
  ASSIGN_OR_RETURN(std::vector<std::string> seg_names, env_->GetChildren(segment_dir_));
  for (const std::string& name : seg_names) {
    uint64_t n = 0;
    if (ParseSegmentFileName(name, &n)) {
      max_number = std::max(max_number, n);
      if (live.count(n) == 0) RETURN_IF_ERROR(env_->RemoveFile(JoinPath(segment_dir_, name)));
    } else if (IsTempName(name)) {
      RETURN_IF_ERROR(env_->RemoveFile(JoinPath(segment_dir_, name)));
    }
  }
  std::vector<uint64_t> wals;
  ASSIGN_OR_RETURN(std::vector<std::string> wal_names, env_->GetChildren(wal_dir_));
  for (const std::string& name : wal_names) {
    uint64_t n = 0;
    if (wal::ParseFileName(name, &n)) {
      max_number = std::max(max_number, n);
      if (n < manifest.log_number) {
        RETURN_IF_ERROR(env_->RemoveFile(JoinPath(wal_dir_, name)));
      } else {
        wals.push_back(n);
      }
    } else if (IsTempName(name)) {
      RETURN_IF_ERROR(env_->RemoveFile(JoinPath(wal_dir_, name)));
    }
  }
  std::sort(wals.begin(), wals.end());
  next_file_number_ = std::max(manifest.next_file_number, max_number + 1);

  auto version = std::make_shared<Version>();
  version->manifest_sequence = manifest.sequence;
  version->retention_floor_us = manifest.retention_floor_us;
  for (const SegmentInfo& info : manifest.segments) version->segments.push_back(OpenSegment(info));
  current_ = std::move(version);

  auto replayed = std::make_shared<MemTable>();
  for (uint64_t n : wals) RETURN_IF_ERROR(ReplayWal(WalPath(n), replayed.get()));

  const uint64_t wal_number = next_file_number_++;
  ASSIGN_OR_RETURN(wal_, WalWriter::Create(env_, wal_dir_, WalPath(wal_number), wal_number));
  mem_ = std::make_shared<MemTable>();
  if (!wals.empty()) {
    // The replayed events are flushed in the background; until then the old WAL files stay.
    imm_ = std::move(replayed);
    imm_next_log_number_ = wal_number;
    ++switch_seq_;
  }
  return Status::OK();
}

Status EventStore::ReplayWal(const std::string& path, MemTable* mem) {
  ASSIGN_OR_RETURN(std::unique_ptr<WalReader> reader, WalReader::Open(env_, path));
  RecordParser parser;
  WalRecord rec;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    auto batch = std::make_shared<EventBatch>();
    // The parser reads up to 64 bytes past a record's end (simdjson padding): copy the payload
    // into a buffer the batch owns, with that much zero padding.
    std::string copy;
    copy.reserve(rec.payload.size() + 64);
    copy.append(rec.payload);
    copy.append(64, '\0');
    const char* base = batch->Own(std::move(copy)).data();
    auto owned = [&](std::string_view v) {
      return Str(base + (v.data() - rec.payload.data()), v.size());
    };
    const std::string where =
        fmt::format("{}: record {} at offset {}", path, rec.index, rec.offset);
    uint64_t bytes = 0;
    uint64_t index = 0;
    RETURN_IF_ERROR(wal::DecodeBatch(rec.payload, where, [&](const wal::WalEvent& we) -> Status {
      RejectReason reason;
      RecordSource src{path, rec.index, rec.offset, -1};
      Status ps = parser.Parse(owned(we.raw), src, batch.get(), &reason);
      if (!ps.ok()) {
        return Status::DataLoss(
            fmt::format("{}: event {}: an acknowledged record no longer parses: {}", where, index,
                        ps.message()));
      }
      ++index;
      Event& e = batch->events.back();
      e.event_time_us = we.event_time_us;
      if (we.has_event_id) e.event_id = IsNull(we.event_id) ? Str() : owned(we.event_id);
      // Replay only deduplicates within the replayed WAL files: the events were checked against
      // the segments when they were appended.
      if (!mem->InsertKey(MemTable::KeyHash(e.event_id, e.recipient_account_id), e.event_id,
                          e.recipient_account_id)) {
        batch->events.pop_back();
        return Status::OK();
      }
      bytes += MemTable::EventBytes(e);
      return Status::OK();
    }));
    if (!batch->events.empty()) mem->Add(std::move(batch), bytes, env_->NowMicros());
  }
  return Status::OK();
}

void EventStore::StartThreads() {
  flush_thread_ = std::thread([this] { FlushThread(); });
  maintenance_thread_ = std::thread([this] { MaintenanceThread(); });
}

// ---------------------------------------------------------------------------------------------
// Write path

Result<AppendResult> EventStore::Append(EventBatch&& batch) {
  uint64_t payload = 16;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (IsNull(e.raw)) {
      return Status::InvalidArgument(
          fmt::format("{}: append: event {} has no raw record bytes", dir_, i));
    }
    payload += e.raw.size() + e.event_id.size() + 24;
  }
  if (payload > wal::kMaxPayload) {
    return Status::InvalidArgument(
        fmt::format("{}: append: batch of {} bytes exceeds the 1 GiB limit", dir_, payload));
  }
  if (batch.events.empty()) {
    std::lock_guard<std::mutex> l(mu_);
    if (closing_) return Status::FailedPrecondition(fmt::format("{}: the store is closed", dir_));
    return AppendResult{};
  }
  return Write(std::make_shared<EventBatch>(std::move(batch)), false);
}

Result<AppendResult> EventStore::Write(std::shared_ptr<EventBatch> batch, bool force_switch,
                                       std::vector<EventBatch>* direct) {
  Writer w;
  w.batch = std::move(batch);
  w.force_switch = force_switch;
  w.direct = direct;
  std::unique_lock<std::mutex> l(mu_);
  if (closing_) return Status::FailedPrecondition(fmt::format("{}: the store is closed", dir_));
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(l);
  if (w.done) {
    if (!w.status.ok()) return w.status;
    return w.result;
  }

  // This writer leads a group.
  Status s;
  std::vector<Writer*> group;
  if (w.direct != nullptr) {
    // A direct write is a group of its own; leading the queue keeps every other writer of this
    // store out of the key sets and segments it deduplicates against until it is installed.
    std::shared_ptr<MemTable> mem = mem_;
    std::shared_ptr<const MemTable> imm = imm_;
    std::shared_ptr<const Version> version = current_;
    l.unlock();
    auto r = WriteDirect(*w.direct, mem.get(), imm, version);
    l.lock();
    if (r.ok()) {
      w.result = *r;
    } else {
      s = r.status();
    }
  } else {
    s = MakeRoomForWrite(l, force_switch);
  }
  if (s.ok() && !force_switch && w.direct == nullptr) {
    uint64_t bytes = 0;
    for (Writer* x : writers_) {
      if (x->force_switch || x->direct != nullptr) break;
      uint64_t b = 0;
      for (const Event& e : x->batch->events) b += e.raw.size();
      if (!group.empty() && bytes + b > options_.max_group_bytes) break;
      group.push_back(x);
      bytes += b;
    }
    std::shared_ptr<MemTable> mem = mem_;
    std::shared_ptr<const MemTable> imm = imm_;
    std::shared_ptr<const Version> version = current_;
    WalWriter* wal = wal_.get();
    l.unlock();
    bool wal_failed = false;
    s = CommitGroup(group, mem.get(), imm, version, wal, &wal_failed);
    l.lock();
    if (wal_failed) {
      // Refuse appends until the failed WAL is abandoned and covered by a flush (doc/store.md).
      wal_error_ = s;
    }
  }
  Writer* last = group.empty() ? &w : group.back();
  while (true) {
    Writer* ready = writers_.front();
    writers_.pop_front();
    ready->status = s;
    if (ready != &w) {
      ready->done = true;
      ready->cv.notify_one();
    }
    if (ready == last) break;
  }
  if (!writers_.empty()) {
    writers_.front()->cv.notify_one();
  } else {
    bg_cv_.notify_all();  // Close waits for the queue to drain
  }
  if (!s.ok()) return s;
  return w.result;
}

Result<AppendResult> EventStore::AppendDirect(std::vector<EventBatch>&& batches) {
  for (const EventBatch& b : batches) {
    for (size_t i = 0; i < b.events.size(); ++i) {
      if (IsNull(b.events[i].raw)) {
        return Status::InvalidArgument(
            fmt::format("{}: direct write: event {} has no raw record bytes", dir_, i));
      }
    }
  }
  return Write(nullptr, /*force_switch=*/false, &batches);
}

namespace {

// The key hashes of every event of `reader` that has an eventID (what its KeyDigest holds), and
// the recipientAccountIds of those events.
Result<std::vector<uint64_t>> SegmentKeyHashes(const SegmentReader& reader, KeyAccounts* accounts) {
  static constexpr ColumnId kColumns[] = {ColumnId::kEventId, ColumnId::kRecipientAccountId};
  std::vector<uint64_t> hashes;
  hashes.reserve(reader.meta().event_count);
  for (uint32_t b = 0; b < reader.block_count(); ++b) {
    RETURN_IF_ERROR(reader.ReadBlockColumns(b, kColumns, [&](const ColumnBatch& batch) {
      const ColumnVector& ids = batch.columns[0];
      const ColumnVector& account_column = batch.columns[1];
      for (uint32_t r = 0; r < batch.row_count; ++r) {
        const Str id = ids.StringAt(r);
        if (IsNull(id)) continue;
        const Str account = account_column.StringAt(r);
        hashes.push_back(MemTable::KeyHash(id, account));
        accounts->Add(account);
      }
      return Status::OK();
    }));
  }
  return hashes;
}

}  // namespace

Result<std::vector<bool>> HoldsKeys(const SegmentReader& reader, std::span<const KeyProbe> probes) {
  static constexpr ColumnId kColumns[] = {ColumnId::kEventId, ColumnId::kRecipientAccountId};
  std::vector<bool> found(probes.size(), false);
  // The blocks whose time range holds each probe's eventTime (as ContainsEvent searches them).
  std::map<uint32_t, std::vector<uint32_t>> by_block;
  const uint32_t blocks = reader.block_count();
  for (uint32_t p = 0; p < probes.size(); ++p) {
    const int64_t t = probes[p].event->event_time_us;
    uint32_t lo = 0, hi = blocks;
    while (lo < hi) {  // the first block not entirely before t
      const uint32_t mid = lo + (hi - lo) / 2;
      if (reader.block_range(mid).max_time_us < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (uint32_t b = lo; b < blocks && reader.block_range(b).min_time_us <= t; ++b) {
      by_block[b].push_back(p);
    }
  }
  std::vector<std::pair<uint64_t, uint32_t>> rows;  // (key hash, row) of a block, sorted
  for (const auto& [block, wanted] : by_block) {
    RETURN_IF_ERROR(reader.ReadBlockColumns(block, kColumns, [&](const ColumnBatch& batch) {
      const ColumnVector& ids = batch.columns[0];
      const ColumnVector& accounts = batch.columns[1];
      rows.clear();
      for (uint32_t r = 0; r < batch.row_count; ++r) {
        const Str id = ids.StringAt(r);
        if (!IsNull(id)) rows.emplace_back(MemTable::KeyHash(id, accounts.StringAt(r)), r);
      }
      std::sort(rows.begin(), rows.end());
      for (uint32_t p : wanted) {
        if (found[p]) continue;
        const Event& e = *probes[p].event;
        auto it =
            std::lower_bound(rows.begin(), rows.end(), std::make_pair(probes[p].hash, uint32_t{0}));
        for (; it != rows.end() && it->first == probes[p].hash; ++it) {
          const Str a = accounts.StringAt(it->second);
          if (ids.StringAt(it->second) == e.event_id &&
              IsNull(a) == IsNull(e.recipient_account_id) && a == e.recipient_account_id) {
            found[p] = true;
            break;
          }
        }
      }
      return Status::OK();
    }));
  }
  return found;
}

std::shared_ptr<const KeyDigest> EventStore::DigestOf(LiveSegment& seg) {
  if (seg.bad()) return nullptr;
  const uint64_t id = seg.reader()->cache_id();
  if (auto d = digests_->Lookup(id)) return d;
  // Do not read a segment whose digest could not be kept.
  if (!digests_->Fits(KeyDigest::MemoryBytesFor(seg.info().event_count))) return nullptr;
  auto accounts = std::make_shared<KeyAccounts>();
  auto hashes = SegmentKeyHashes(*seg.reader(), accounts.get());
  if (!hashes.ok()) return nullptr;
  digest_rebuilds_.fetch_add(1);
  if (seg.key_accounts() == nullptr) seg.set_key_accounts(std::move(accounts));
  auto d = std::make_shared<const KeyDigest>(std::move(*hashes));
  digests_->Insert(id, d);
  return d;
}

std::vector<EventStore::DedupeCandidate> EventStore::DedupeCandidates(const Version& version,
                                                                      int64_t lo, int64_t hi,
                                                                      const KeyAccounts& accounts) {
  std::vector<DedupeCandidate> out;
  for (const auto& seg : version.segments) {
    const SegmentInfo& info = seg->info();
    if (seg->bad() || info.event_count == 0 || info.min_time_us > hi || info.max_time_us < lo) {
      continue;
    }
    std::shared_ptr<const KeyAccounts> held = seg->key_accounts();
    if (held != nullptr && !held->Intersects(accounts)) continue;
    std::shared_ptr<const KeyDigest> digest = DigestOf(*seg);
    if (held == nullptr) {
      held = seg->key_accounts();  // learnt by reading the keys
      if (held != nullptr && !held->Intersects(accounts)) continue;
    }
    out.push_back({seg.get(), std::move(digest)});
  }
  return out;
}

Result<bool> EventStore::InSegments(const std::vector<DedupeCandidate>& candidates, const Event& e,
                                    uint64_t hash) const {
  for (const DedupeCandidate& c : candidates) {
    const SegmentInfo& info = c.segment->info();
    if (e.event_time_us < info.min_time_us || e.event_time_us > info.max_time_us) continue;
    if (c.digest != nullptr && !c.digest->MayContain(hash)) continue;
    ASSIGN_OR_RETURN(bool has, c.segment->reader()->ContainsEvent(
                                   e.event_id, e.recipient_account_id, e.event_time_us));
    if (has) return true;
  }
  return false;
}

Result<AppendResult> EventStore::WriteDirect(std::vector<EventBatch>& batches, MemTable* mem,
                                             const std::shared_ptr<const MemTable>& imm,
                                             const std::shared_ptr<const Version>& version) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  size_t total = 0;
  KeyAccounts accounts;
  for (const EventBatch& b : batches) {
    total += b.events.size();
    for (const Event& e : b.events) {
      lo = std::min(lo, e.event_time_us);
      hi = std::max(hi, e.event_time_us);
      accounts.Add(e.recipient_account_id);
    }
  }
  const std::vector<DedupeCandidate> candidates = DedupeCandidates(*version, lo, hi, accounts);
  // The write's own key set: duplicates within the batches. Its views point into the batches.
  MemTable keys;
  // Every event, in order, with its verdict. Events whose key a segment's digest may hold are
  // checked against the segment afterwards, all of one segment's together (one block read for
  // all of them; a re-import makes every event such a hit): kHit until then. Their keys go into
  // `keys` meanwhile, so a later event of the same key is a duplicate either way.
  enum Verdict : uint8_t { kNew, kDuplicate, kHit };
  struct Item {
    EventRef ref;
    uint64_t hash;
    Verdict verdict;
  };
  std::vector<Item> items;
  items.reserve(total);
  std::vector<std::vector<uint32_t>> hits(candidates.size());  // item indexes per candidate
  for (const EventBatch& b : batches) {
    for (const Event& e : b.events) {
      const uint64_t hash = MemTable::KeyHash(e.event_id, e.recipient_account_id);
      Verdict v = kNew;
      if (!IsNull(e.event_id)) {
        if (keys.ContainsKey(hash, e.event_id, e.recipient_account_id) ||
            mem->ContainsKey(hash, e.event_id, e.recipient_account_id) ||
            (imm != nullptr && imm->ContainsKey(hash, e.event_id, e.recipient_account_id))) {
          v = kDuplicate;
        }
        for (size_t c = 0; v != kDuplicate && c < candidates.size(); ++c) {
          const SegmentInfo& info = candidates[c].segment->info();
          if (e.event_time_us < info.min_time_us || e.event_time_us > info.max_time_us) continue;
          if (candidates[c].digest == nullptr) {
            // No digest: the segment answers now (bloom filter, then the block).
            Result<bool> has = candidates[c].segment->reader()->ContainsEvent(
                e.event_id, e.recipient_account_id, e.event_time_us);
            if (!has.ok()) {
              return has.status().WithPrefix(
                  fmt::format("{}: direct write: deduplication lookup", dir_));
            }
            if (*has) v = kDuplicate;
          } else if (candidates[c].digest->MayContain(hash)) {
            hits[c].push_back(static_cast<uint32_t>(items.size()));
            v = kHit;
          }
        }
      }
      if (v != kDuplicate) keys.InsertKey(hash, e.event_id, e.recipient_account_id);
      items.push_back({{&e, &b}, hash, v});
    }
  }
  for (size_t c = 0; c < candidates.size(); ++c) {
    std::vector<uint32_t>& h = hits[c];
    h.erase(
        std::remove_if(h.begin(), h.end(), [&](uint32_t i) { return items[i].verdict != kHit; }),
        h.end());
    if (h.empty()) continue;
    std::vector<KeyProbe> probes;
    probes.reserve(h.size());
    for (uint32_t i : h) probes.push_back({items[i].ref.event, items[i].hash});
    Result<std::vector<bool>> found = HoldsKeys(*candidates[c].segment->reader(), probes);
    if (!found.ok()) {
      return found.status().WithPrefix(fmt::format("{}: direct write: deduplication lookup", dir_));
    }
    for (size_t k = 0; k < h.size(); ++k) {
      if ((*found)[k]) items[h[k]].verdict = kDuplicate;
    }
  }
  std::vector<EventRef> refs;
  std::vector<uint64_t> hashes;
  refs.reserve(total);
  hashes.reserve(total);
  AppendResult result;
  for (const Item& it : items) {
    if (it.verdict == kDuplicate) {
      ++result.duplicates;
      continue;
    }
    refs.push_back(it.ref);
    hashes.push_back(it.hash);
  }
  std::vector<Item>().swap(items);
  result.accepted = refs.size();
  if (refs.empty()) return result;
  std::stable_sort(refs.begin(), refs.end(), [](const EventRef& a, const EventRef& b) {
    return a.event->event_time_us < b.event->event_time_us;
  });
  // Level 1: written once, as a compaction output would be.
  ASSIGN_OR_RETURN(std::shared_ptr<LiveSegment> seg,
                   WriteNewSegment(
                       refs, options_.compaction_segment_options, /*level=*/1,
                       [&hashes] { return std::move(hashes); }, "direct write"));
  const SegmentInfo info = seg->info();
  {
    std::lock_guard<std::mutex> ml(manifest_mu_);
    Manifest m = manifest_;
    m.segments.push_back(info);
    // On failure the file is left alone, as a flush leaves it (see FlushImmutable).
    RETURN_IF_ERROR(
        InstallManifest(std::move(m), {seg}).WithPrefix(fmt::format("{}: direct write", dir_)));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    ++direct_writes_;
    maintenance_requested_ = true;
    maintenance_cv_.notify_all();
  }
  return result;
}

Status EventStore::CommitGroup(const std::vector<Writer*>& group, MemTable* mem,
                               const std::shared_ptr<const MemTable>& imm,
                               const std::shared_ptr<const Version>& version, WalWriter* wal,
                               bool* wal_failed) {
  *wal_failed = false;
  // Only segments whose eventTime range meets the group's can hold one of its events: a
  // re-delivered event carries its original eventTime.
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  KeyAccounts accounts;
  for (const Writer* w : group) {
    for (const Event& e : w->batch->events) {
      lo = std::min(lo, e.event_time_us);
      hi = std::max(hi, e.event_time_us);
      accounts.Add(e.recipient_account_id);
    }
  }
  const std::vector<DedupeCandidate> candidates = DedupeCandidates(*version, lo, hi, accounts);

  // Undo of the keys this group inserted, should it fail: they point into the group's batches.
  auto erase_keys = [&](size_t writers_done, size_t events_done) {
    for (size_t i = 0; i <= writers_done && i < group.size(); ++i) {
      const EventBatch& b = *group[i]->batch;
      size_t n = i < writers_done ? b.events.size() : events_done;
      for (size_t j = 0; j < n; ++j) {
        const Event& e = b.events[j];
        mem->EraseKey(MemTable::KeyHash(e.event_id, e.recipient_account_id), e.event_id,
                      e.recipient_account_id);
      }
    }
  };

  std::string buf;
  for (size_t wi = 0; wi < group.size(); ++wi) {
    Writer* w = group[wi];
    std::vector<Event>& events = w->batch->events;
    size_t kept = 0;
    uint64_t dups = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      const Event& e = events[i];
      bool dup = false;
      const uint64_t hash = MemTable::KeyHash(e.event_id, e.recipient_account_id);
      if (!IsNull(e.event_id)) {
        dup = mem->ContainsKey(hash, e.event_id, e.recipient_account_id) ||
              (imm != nullptr && imm->ContainsKey(hash, e.event_id, e.recipient_account_id));
        if (!dup) {
          Result<bool> has = InSegments(candidates, e, hash);
          if (!has.ok()) {
            erase_keys(wi, kept);
            return has.status().WithPrefix(fmt::format("{}: append: deduplication lookup", dir_));
          }
          dup = *has;
        }
      }
      if (dup) {
        ++dups;
        continue;
      }
      mem->InsertKey(hash, e.event_id, e.recipient_account_id);
      if (kept != i) events[kept] = events[i];
      ++kept;
    }
    events.resize(kept);
    w->result = AppendResult{kept, dups};
    if (kept > 0) {
      size_t start = wal::BeginRecord(&buf);
      wal::EncodeBatch(events, &buf);
      wal::FinishRecord(&buf, start, wal::RecordType::kBatch);
    }
  }
  if (buf.empty()) return Status::OK();  // nothing new: every event was a duplicate

  Status s = wal->Write(buf);
  if (!s.ok()) {
    erase_keys(group.size(), 0);
    *wal_failed = true;
    return s;
  }
  const int64_t now = env_->NowMicros();
  for (Writer* w : group) {
    if (w->batch->events.empty()) continue;
    uint64_t bytes = 0;
    for (const Event& e : w->batch->events) bytes += MemTable::EventBytes(e);
    mem->Add(w->batch, bytes, now);
  }
  return Status::OK();
}

Status EventStore::MakeRoomForWrite(std::unique_lock<std::mutex>& l, bool force_switch) {
  bool switched = false;
  while (true) {
    if (!wal_error_.ok()) {
      RETURN_IF_ERROR(RecoverFromWalError(l));
      continue;
    }
    const bool too_big = mem_->bytes() >= options_.memtable_bytes;
    const bool too_old =
        !mem_->empty() && env_->NowMicros() - mem_->first_add_us() >= options_.memtable_max_age_us;
    const bool forced = force_switch && !switched && !mem_->empty();
    if (!too_big && !too_old && !forced) return Status::OK();
    if (imm_ != nullptr) {
      // The previous memtable is still being flushed. Only a full memtable (or Flush) waits: an old
      // one can keep filling until the flush thread is free.
      if (!too_big && !forced) return Status::OK();
      if (!flush_error_.ok()) return flush_error_;
      bg_cv_.wait(l);
      continue;
    }
    RETURN_IF_ERROR(SwitchMemtable(l));
    switched = true;
    if (!too_big) return Status::OK();
  }
}

// REQUIRES: mu_ held, imm_ == nullptr.
Status EventStore::SwitchMemtable(std::unique_lock<std::mutex>&) {
  CAIRN_CHECK(imm_ == nullptr);
  const uint64_t number = next_file_number_++;
  ASSIGN_OR_RETURN(std::unique_ptr<WalWriter> wal,
                   WalWriter::Create(env_, wal_dir_, WalPath(number), number));
  wal_->Close().IgnoreError();  // synced already, or broken and abandoned
  wal_ = std::move(wal);
  imm_ = std::move(mem_);
  imm_next_log_number_ = number;
  mem_ = std::make_shared<MemTable>();
  ++switch_seq_;
  bg_cv_.notify_all();
  return Status::OK();
}

// After a failed WAL write the file's tail is undefined: the failed record may be whole on disk
// though it was never acknowledged. The store abandons that WAL (a new one is started) and flushes
// the memtable, whose manifest then marks the abandoned WAL as covered, so replay never reads it.
// Until that is done appends are refused.
Status EventStore::RecoverFromWalError(std::unique_lock<std::mutex>& l) {
  auto refused = [&](const Status& why) {
    return Status(why.code(), fmt::format("{}: appends refused since a WAL write failed ({}); "
                                          "recovery failed: {}",
                                          dir_, wal_error_.message(), why.message()));
  };
  if (recovery_seq_ == 0) {
    Status s = WaitForFlushState(l, [&] { return imm_ == nullptr; });
    if (s.ok()) s = SwitchMemtable(l);
    if (!s.ok()) return refused(s);
    recovery_seq_ = switch_seq_;
  }
  const uint64_t seq = recovery_seq_;
  Status s = WaitForFlushState(l, [&] { return flushed_seq_ >= seq; });
  if (!s.ok()) return refused(s);
  wal_error_ = Status::OK();
  recovery_seq_ = 0;
  return Status::OK();
}

Status EventStore::WaitForFlushState(std::unique_lock<std::mutex>& l,
                                     const std::function<bool()>& done) {
  const uint64_t start = flush_attempts_;
  while (!done()) {
    if (stop_) return Status::FailedPrecondition(fmt::format("{}: the store is closing", dir_));
    if (!flush_error_.ok()) {
      // Only an attempt that began after we started waiting says the disk still fails; an older
      // error may be stale (space was freed since), so ask for a retry now.
      if (flush_error_attempt_ > start) return flush_error_;
      retry_flush_now_ = true;
      bg_cv_.notify_all();
    }
    bg_cv_.wait(l);
  }
  return Status::OK();
}

Status EventStore::WaitForFlush(std::unique_lock<std::mutex>& l, uint64_t seq) {
  return WaitForFlushState(l, [&] { return flushed_seq_ >= seq; });
}

Status EventStore::Flush() {
  ASSIGN_OR_RETURN(AppendResult ignored, Write(nullptr, /*force_switch=*/true));
  (void)ignored;
  std::unique_lock<std::mutex> l(mu_);
  return WaitForFlush(l, switch_seq_);
}

// ---------------------------------------------------------------------------------------------
// Background

void EventStore::FlushThread() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    if (imm_ == nullptr) {
      bg_cv_.wait(l);
      continue;
    }
    std::shared_ptr<MemTable> imm = imm_;
    const uint64_t next_log = imm_next_log_number_;
    const uint64_t attempt = ++flush_attempts_;
    retry_flush_now_ = false;
    l.unlock();
    Status s = FlushImmutable(imm, next_log);
    l.lock();
    if (s.ok()) {
      // imm_ was cleared by the install, together with the Version change (see FlushImmutable).
      ++flushed_seq_;
      ++flushes_;
      flush_error_ = Status::OK();
      maintenance_requested_ = true;
      maintenance_cv_.notify_all();
    } else {
      flush_error_ = s;
      flush_error_attempt_ = attempt;
    }
    bg_cv_.notify_all();
    if (!s.ok()) {
      // Retry later (a full disk may get room); waiters see flush_error_ meanwhile.
      const auto retry_at = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(options_.maintenance_interval_ms);
      while (!stop_ && !retry_flush_now_ && std::chrono::steady_clock::now() < retry_at) {
        bg_cv_.wait_until(l, retry_at);
      }
    }
  }
}

Result<std::shared_ptr<LiveSegment>> EventStore::WriteNewSegment(
    std::span<const EventRef> refs, const SegmentWriteOptions& options, uint32_t level,
    const std::function<std::vector<uint64_t>()>& key_hashes, std::string_view what) {
  uint64_t number;
  {
    std::lock_guard<std::mutex> l(mu_);
    number = next_file_number_++;
  }
  const std::string path = SegmentPath(number);
  auto meta = WriteSegment(env_, path, refs, options);
  Status s = meta.status();
  if (s.ok()) s = env_->SyncDir(segment_dir_);
  std::shared_ptr<LiveSegment> seg;
  if (s.ok()) {
    seg =
        OpenSegment(SegmentInfo{number, meta->event_count, meta->min_event_time_us,
                                meta->max_event_time_us, meta->file_bytes, meta->raw_bytes, level});
    if (seg->bad()) s = seg->error();
  }
  if (!s.ok()) {
    seg.reset();
    env_->RemoveFile(path).IgnoreError();
    return s.WithPrefix(fmt::format("{}: {}", dir_, what));
  }
  auto accounts = std::make_shared<KeyAccounts>();
  for (const EventRef& r : refs) accounts->Add(r.event->recipient_account_id);
  seg->set_key_accounts(std::move(accounts));
  if (digests_->capacity() > 0) {
    digests_->Insert(seg->reader()->cache_id(), std::make_shared<const KeyDigest>(key_hashes()));
  }
  return seg;
}

Status EventStore::FlushImmutable(std::shared_ptr<MemTable> imm, uint64_t next_log_number) {
  std::shared_ptr<LiveSegment> seg;
  SegmentInfo info;
  if (imm->event_count() > 0) {
    std::vector<const EventBatch*> batches;
    imm->ForEachBatch(imm->published_batches(),
                      [&](const EventBatch& b) { batches.push_back(&b); });
    std::vector<EventRef> refs = SortedEventRefs(batches);
    ASSIGN_OR_RETURN(seg, WriteNewSegment(
                              refs, options_.flush_segment_options, /*level=*/0,
                              [&imm] { return imm->KeyHashes(); }, "flush"));
    info = seg->info();
  }
  {
    std::lock_guard<std::mutex> ml(manifest_mu_);
    Manifest m = manifest_;
    if (seg != nullptr) m.segments.push_back(info);
    m.log_number = std::max(m.log_number, next_log_number);
    // On failure the segment file is left alone: the MANIFEST may have been replaced after all (a
    // failed directory sync), and then it names the file. An unnamed file is removed at next open.
    RETURN_IF_ERROR(InstallManifest(std::move(m), {seg}, /*flushed_imm=*/true)
                        .WithPrefix(fmt::format("{}: flush", dir_)));
  }
  DeleteObsoleteWals(next_log_number);
  return Status::OK();
}

void EventStore::DeleteObsoleteWals(uint64_t log_number) {
  auto names = env_->GetChildren(wal_dir_);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    uint64_t n = 0;
    if (wal::ParseFileName(name, &n) && n < log_number) {
      env_->RemoveFile(JoinPath(wal_dir_, name)).IgnoreError();  // a leftover is removed at open
    }
  }
}

Status EventStore::InstallManifest(Manifest m, std::vector<std::shared_ptr<LiveSegment>> added,
                                   bool flushed_imm) {
  {
    std::lock_guard<std::mutex> l(mu_);
    m.next_file_number = std::max(m.next_file_number, next_file_number_);
  }
  m.sequence = manifest_.sequence + 1;
  RETURN_IF_ERROR(env_->WriteFileAtomic(JoinPath(dir_, kManifestName), EncodeManifest(m)));
  manifest_ = m;

  auto version = std::make_shared<Version>();
  version->manifest_sequence = m.sequence;
  version->retention_floor_us = m.retention_floor_us;
  std::shared_ptr<const Version> old;
  std::lock_guard<std::mutex> l(mu_);
  old = current_;
  for (const SegmentInfo& info : m.segments) {
    std::shared_ptr<LiveSegment> handle;
    for (const auto& s : old->segments) {
      if (s->info().number == info.number) handle = s;
    }
    for (const auto& s : added) {
      if (s != nullptr && s->info().number == info.number) handle = s;
    }
    CAIRN_CHECK(handle != nullptr);
    version->segments.push_back(std::move(handle));
  }
  std::set<uint64_t> kept;
  for (const SegmentInfo& info : m.segments) kept.insert(info.number);
  for (const auto& s : old->segments) {
    if (kept.count(s->info().number) > 0) continue;
    s->MarkObsolete();
    if (!s->bad()) digests_->Erase(s->reader()->cache_id());
  }
  current_ = std::move(version);
  // A snapshot must see the flushed events either in imm_ or in the new segment, never both and
  // never neither: both change in this one critical section.
  if (flushed_imm) imm_ = nullptr;
  return Status::OK();
}

void EventStore::MaintenanceThread() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    maintenance_cv_.wait_for(l, std::chrono::milliseconds(options_.maintenance_interval_ms),
                             [&] { return stop_ || maintenance_requested_; });
    if (stop_) break;
    maintenance_requested_ = false;
    const bool old_memtable =
        !mem_->empty() && imm_ == nullptr &&
        env_->NowMicros() - mem_->first_add_us() >= options_.memtable_max_age_us;
    l.unlock();
    if (old_memtable) Write(nullptr, /*force_switch=*/true).status().IgnoreError();
    if (options_.background_maintenance) {
      bool did = true;
      while (did && !stopping()) {
        if (!CompactOnce(/*force=*/false, &did).ok()) break;  // retried next round
      }
      if (!stopping()) ApplyRetentionAt(env_->NowMicros(), /*raise_floor=*/false).IgnoreError();
    }
    l.lock();
  }
}

bool EventStore::stopping() {
  std::lock_guard<std::mutex> l(mu_);
  return stop_;
}

// ---------------------------------------------------------------------------------------------
// Compaction, retention, settings

int64_t EventStore::ReadFloor(const Version& v, uint32_t retention_days) const {
  return std::max(v.retention_floor_us, RetentionCutoff(env_->NowMicros(), retention_days));
}

Status EventStore::CompactOnce(bool force, bool* did_work) {
  *did_work = false;
  std::lock_guard<std::mutex> cl(compaction_mu_);
  std::shared_ptr<const Version> v;
  uint32_t retention_days;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) return Status::FailedPrecondition(fmt::format("{}: the store is closed", dir_));
    v = current_;
    retention_days = retention_days_;
  }
  std::vector<SegmentInfo> infos;
  std::vector<const LiveSegment*> handles;
  for (const auto& s : v->segments) {
    if (s->bad()) continue;  // never rewritten: kept for an operator to inspect or restore
    infos.push_back(s->info());
    handles.push_back(s.get());
  }
  std::vector<size_t> pick = PickCompaction(infos, options_.compaction, force);
  if (pick.empty()) return Status::OK();

  // Held until the merge's outputs are installed (or discarded), so its memory is given back first.
  std::unique_lock<std::mutex> gate;
  if (options_.compaction.gate) gate = std::unique_lock<std::mutex>(*options_.compaction.gate);
  std::vector<const SegmentReader*> inputs;
  uint32_t level = 0;
  for (size_t i : pick) {
    inputs.push_back(handles[i]->reader());
    level = std::max(level, infos[i].level + 1);
  }
  auto new_number = [this] {
    std::lock_guard<std::mutex> l(mu_);
    return next_file_number_++;
  };
  auto merged = MergeSegments(env_, inputs, ReadFloor(*v, retention_days), options_.compaction,
                              options_.compaction_segment_options, new_number,
                              [this](uint64_t n) { return SegmentPath(n); });
  if (!merged.ok()) return merged.status().WithPrefix(fmt::format("{}: compaction", dir_));
  std::vector<std::shared_ptr<LiveSegment>> outputs;
  std::vector<SegmentInfo> output_infos;
  auto discard = [&] {
    outputs.clear();
    for (const MergeOutput& o : *merged) env_->RemoveFile(SegmentPath(o.number)).IgnoreError();
  };
  Status s = merged->empty() ? Status::OK() : env_->SyncDir(segment_dir_);
  for (size_t i = 0; s.ok() && i < merged->size(); ++i) {
    const MergeOutput& o = (*merged)[i];
    SegmentInfo info{o.number,
                     o.meta.event_count,
                     o.meta.min_event_time_us,
                     o.meta.max_event_time_us,
                     o.meta.file_bytes,
                     o.meta.raw_bytes,
                     level};
    outputs.push_back(OpenSegment(info));
    output_infos.push_back(info);
    if (outputs.back()->bad()) s = outputs.back()->error();
  }
  if (!s.ok()) {
    discard();
    return s.WithPrefix(fmt::format("{}: compaction", dir_));
  }

  std::lock_guard<std::mutex> ml(manifest_mu_);
  Manifest m = manifest_;
  std::set<uint64_t> inputs_left;
  for (size_t i : pick) inputs_left.insert(infos[i].number);
  std::vector<SegmentInfo> out;
  bool placed = false;
  for (const SegmentInfo& x : m.segments) {
    if (inputs_left.erase(x.number) == 0) {
      out.push_back(x);
    } else if (!placed) {
      out.insert(out.end(), output_infos.begin(), output_infos.end());
      placed = true;
    }
  }
  if (!inputs_left.empty()) {
    // Retention dropped an input meanwhile; its events must not come back. Try again later.
    discard();
    return Status::OK();
  }
  m.segments = std::move(out);
  RETURN_IF_ERROR(InstallManifest(std::move(m), std::move(outputs))
                      .WithPrefix(fmt::format("{}: compaction", dir_)));
  {
    std::lock_guard<std::mutex> l(mu_);
    ++compactions_;
  }
  *did_work = true;
  return Status::OK();
}

Status EventStore::Compact() {
  bool did = true;
  while (did) RETURN_IF_ERROR(CompactOnce(/*force=*/true, &did));
  return Status::OK();
}

Status EventStore::ApplyRetention(int64_t now_us) { return ApplyRetentionAt(now_us, true); }

Status EventStore::ApplyRetentionAt(int64_t now_us, bool raise_floor) {
  std::lock_guard<std::mutex> ml(manifest_mu_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) return Status::FailedPrecondition(fmt::format("{}: the store is closed", dir_));
  }
  const int64_t cutoff = RetentionCutoff(now_us, manifest_.settings.retention_days);
  Manifest m = manifest_;
  std::vector<SegmentInfo> kept;
  for (const SegmentInfo& s : m.segments) {
    if (!SegmentExpired(s, cutoff)) kept.push_back(s);
  }
  // The background pass runs every few milliseconds with a moving clock: it writes a manifest
  // only when a segment goes (readers apply the clock's cutoff anyway). An explicit pass also
  // records the cutoff as the floor, which holds even if the clock is later set back.
  const int64_t floor = std::max(m.retention_floor_us, cutoff);
  const bool drop = kept.size() != m.segments.size();
  if (!drop && (!raise_floor || floor == m.retention_floor_us)) return Status::OK();
  m.segments = std::move(kept);
  m.retention_floor_us = floor;
  return InstallManifest(std::move(m), {}).WithPrefix(fmt::format("{}: retention", dir_));
}

Status EventStore::SetRetentionDays(uint32_t days) {
  RETURN_IF_ERROR(ValidateRetentionDays(days));
  std::lock_guard<std::mutex> ml(manifest_mu_);
  Manifest m = manifest_;
  m.settings.retention_days = days;
  RETURN_IF_ERROR(InstallManifest(std::move(m), {}));
  std::lock_guard<std::mutex> l(mu_);
  retention_days_ = days;
  return Status::OK();
}

StoreSettings EventStore::settings() {
  std::lock_guard<std::mutex> ml(manifest_mu_);
  return manifest_.settings;
}

// ---------------------------------------------------------------------------------------------
// Readers

std::shared_ptr<const Snapshot> EventStore::GetSnapshot() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::pair<std::shared_ptr<const MemTable>, size_t>> mems;
  if (imm_ != nullptr) mems.emplace_back(imm_, imm_->published_batches());
  mems.emplace_back(mem_, mem_->published_batches());
  return std::make_shared<Snapshot>(current_, std::move(mems),
                                    ReadFloor(*current_, retention_days_));
}

StoreStats EventStore::Stats() {
  StoreStats st;
  std::shared_ptr<const Version> v;
  {
    std::lock_guard<std::mutex> l(mu_);
    v = current_;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (const MemTable* m : {imm_.get(), mem_.get()}) {
      if (m == nullptr || m->empty()) continue;
      st.memtable_events += m->event_count();
      st.memtable_bytes += m->bytes();
      lo = std::min(lo, m->min_time_us());
      hi = std::max(hi, m->max_time_us());
    }
    for (const auto& s : v->segments) {
      st.segment_count++;
      st.segment_bytes += s->info().file_bytes;
      if (s->bad()) {
        st.bad_segments.push_back(s->error().ToString());
        continue;
      }
      if (s->info().event_count == 0) continue;
      st.event_count += s->info().event_count;
      lo = std::min(lo, s->info().min_time_us);
      hi = std::max(hi, s->info().max_time_us);
    }
    st.event_count += st.memtable_events;
    if (lo <= hi) {
      st.min_time_us = lo;
      st.max_time_us = hi;
    }
    st.manifest_sequence = v->manifest_sequence;
    st.key_digest_bytes = digests_->bytes();
    st.key_digest_rebuilds = digest_rebuilds_.load();
    st.retention_floor_us = v->retention_floor_us;
    st.flushes = flushes_;
    st.compactions = compactions_;
    st.direct_writes = direct_writes_;
    if (!wal_error_.ok()) st.wal_error = wal_error_.ToString();
  }
  if (auto names = env_->GetChildren(wal_dir_); names.ok()) {
    for (const std::string& name : *names) {
      uint64_t n;
      if (!wal::ParseFileName(name, &n)) continue;
      if (auto size = env_->GetFileSize(JoinPath(wal_dir_, name)); size.ok()) st.wal_bytes += *size;
    }
  }
  if (auto size = env_->GetFileSize(JoinPath(dir_, kManifestName)); size.ok())
    st.manifest_bytes = *size;
  st.bytes_on_disk = st.segment_bytes + st.wal_bytes + st.manifest_bytes;
  return st;
}

// ---------------------------------------------------------------------------------------------
// Close

Status EventStore::Close() {
  std::unique_lock<std::mutex> l(mu_);
  if (closing_) {
    while (!closed_) bg_cv_.wait(l);  // another thread is closing
    return close_status_;
  }
  {
    closing_ = true;  // no new writers
    while (!writers_.empty()) bg_cv_.wait(l);
    if (!wal_error_.ok()) {
      // Make the failed WAL write unreplayable before going away, if the disk lets us.
      Status s = RecoverFromWalError(l);
      if (!s.ok()) close_status_ = s;
    }
    stop_ = true;
    bg_cv_.notify_all();
    maintenance_cv_.notify_all();
    l.unlock();
    if (flush_thread_.joinable()) flush_thread_.join();
    if (maintenance_thread_.joinable()) maintenance_thread_.join();
    {
      // Wait for a Compact() or ApplyRetention() running on a caller's thread.
      std::lock_guard<std::mutex> cl(compaction_mu_);
      std::lock_guard<std::mutex> ml(manifest_mu_);
      l.lock();
      if (wal_ != nullptr && !wal_->broken()) {
        Status s = wal_->Close();
        if (close_status_.ok()) close_status_ = s;
      }
      closed_ = true;
      bg_cv_.notify_all();
    }
  }
  return close_status_;
}

}  // namespace cairn
