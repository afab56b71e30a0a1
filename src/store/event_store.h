// src/store/event_store.h
//
// EventStore is cairn's event store engine: one store per event data store (and per event history).
// A store is a folder:
//
//   <dir>/MANIFEST          the live segments, settings and WAL coverage (doc/format/manifest.md)
//   <dir>/wal/NNNNNN.log    write-ahead log files (doc/format/wal.md)
//   <dir>/segments/NNNNNN.seg  immutable columnar segments (doc/format/segment.md)
//
// Append makes a batch durable (WAL record, fsync shared by concurrent appenders: group commit)
// before it returns, deduplicates events by (eventID, recipientAccountId), and makes them visible
// to snapshots. A background thread flushes full or old memtables into segments; another compacts
// small segments and applies retention. Readers take a Snapshot and keep a fixed view while all of
// that runs. How it works, and every failure mode: doc/store.md.
//
// Thread-safety: every method may be called from many threads at once (many appenders and readers).
// One process at a time may open a given folder.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/event.h"
#include "store/compaction.h"
#include "store/key_digest_cache.h"
#include "store/manifest.h"
#include "store/memtable.h"
#include "store/segment_writer.h"
#include "store/snapshot.h"
#include "store/version.h"

namespace cairn {

class WalWriter;

struct StoreOptions {
  // Create only: the settings the new store starts with (retention 7..3653 days).
  StoreSettings settings;
  // Switch the memtable for a flush once it accounts for this many bytes (raw records plus parsed
  // events). Two memtables (one filling, one flushing) bound the store's ingest memory.
  uint64_t memtable_bytes = 64ull << 20;
  // ... or once its first event is older than this (Env clock), checked on append and by the
  // maintenance thread.
  int64_t memtable_max_age_us = 10LL * 60 * 1000000;
  // A group commit writes at most this many payload bytes (the leader's batch is always taken).
  uint64_t max_group_bytes = 32ull << 20;
  CompactionOptions compaction;
  // Compact and apply retention in the background (the maintenance thread). Tests that drive
  // Compact/ApplyRetention themselves may turn this off.
  bool background_maintenance = true;
  // How often (real time) the maintenance thread looks for old memtables, compactions and expired
  // segments.
  int64_t maintenance_interval_ms = 1000;
  // Where the key digests of the store's segments are kept (doc/store.md, "Key digests"): shared
  // by the stores of a data folder, so their memory is bounded together. Null: the store makes a
  // cache of its own of max_digest_bytes (0: no digests; every dedupe check asks the segments).
  std::shared_ptr<KeyDigestCache> digest_cache;
  uint64_t max_digest_bytes = 32ull << 20;
  SegmentWriteOptions flush_segment_options;       // compression level etc. for flushes
  SegmentWriteOptions compaction_segment_options;  // ... and for compaction outputs
};

// One event to look for in a segment, with its MemTable::KeyHash.
struct KeyProbe {
  const Event* event;
  uint64_t hash;
};

// Which of `probes` `reader` holds (same eventID and recipientAccountId, in a block whose time
// range holds the probe's eventTime: as SegmentReader::ContainsEvent). Reads each block concerned
// once, whatever the number of probes in it: the exact check behind key digest hits, which a
// re-import makes for every event.
Result<std::vector<bool>> HoldsKeys(const SegmentReader& reader, std::span<const KeyProbe> probes);

struct AppendResult {
  uint64_t accepted = 0;    // events stored (durable)
  uint64_t duplicates = 0;  // events dropped because the store already held them
};

struct StoreStats {
  uint64_t event_count = 0;  // in segments and memtables (partially expired segments count whole)
  int64_t min_time_us = 0;   // eventTime span of those events; both 0 when there are none
  int64_t max_time_us = 0;
  uint64_t segment_count = 0;  // live segments, bad ones included
  uint64_t segment_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t manifest_bytes = 0;
  uint64_t bytes_on_disk = 0;  // segments + WAL + MANIFEST
  uint64_t memtable_events = 0;
  uint64_t memtable_bytes = 0;
  uint64_t key_digest_bytes = 0;     // memory of the key digest cache (shared: see StoreOptions)
  uint64_t key_digest_rebuilds = 0;  // since open: digests rebuilt from this store's segments
  uint64_t manifest_sequence = 0;
  uint64_t flushes = 0;        // since open
  uint64_t compactions = 0;    // since open
  uint64_t direct_writes = 0;  // since open: AppendDirect calls that wrote a segment
  int64_t retention_floor_us = INT64_MIN;
  std::vector<std::string> bad_segments;  // degraded mode: segments that could not be opened
  std::string wal_error;                  // non-empty while appends are refused (see doc/store.md)
};

class EventStore {
 public:
  // Creates a new store in `dir` (the folder is created; kAlreadyExists if it holds a MANIFEST).
  // kInvalidArgument if options.settings.retention_days is out of range.
  static Result<std::unique_ptr<EventStore>> Create(Env* env, const std::string& dir,
                                                    const StoreOptions& options);
  // Opens an existing store: replays its WAL files, removes temporary and orphaned files, opens the
  // segments. kNotFound if there is no MANIFEST; kDataLoss if the MANIFEST or a WAL file (other
  // than a torn tail) is corrupt. A segment that cannot be opened does not fail Open: the store
  // opens degraded, without that segment's events, and lists it in Stats().bad_segments.
  // options.settings is ignored (the MANIFEST's settings apply).
  static Result<std::unique_ptr<EventStore>> Open(Env* env, const std::string& dir,
                                                  const StoreOptions& options);

  ~EventStore();  // Close()s if needed, ignoring errors
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends a batch. Returns once the accepted events are durable (WAL fsynced) and visible to new
  // snapshots. Duplicates — within the batch, of events appended earlier, in the memtable or in
  // segments, across restarts — are dropped and counted. A batch is all or nothing: on error none
  // of it is acknowledged and none of it becomes visible. Errors: kInvalidArgument (an event
  // without raw record bytes, or a batch over 1 GiB), the WAL write/fsync error (after which the
  // store refuses appends until it has recovered, see doc/store.md), kFailedPrecondition after
  // Close.
  // REQUIRES: every event's eventTime and views are set; the batch is not used by anyone else.
  Result<AppendResult> Append(EventBatch&& batch);

  // Bulk import (doc/store.md, "Direct writes"): deduplicates `batches` exactly as Append does
  // (within them, against the memtables and the segments) and writes the new events straight into
  // ONE new segment — sorted by eventTime, compressed with compaction_segment_options, fsynced —
  // installed with one MANIFEST replace. No WAL record and no memtable: each event is written once,
  // and a segment of at least CompactionOptions::small_segment_raw_bytes is never rewritten by
  // compaction. Returns once the segment is durable and installed; a crash before that leaves
  // nothing of the batches, after it all of them. Appends and other direct writes of this store
  // wait meanwhile (that keeps dedupe exact). The events become visible to snapshots only with
  // the install. Errors: kInvalidArgument (an event without raw record bytes), the segment write,
  // sync or MANIFEST error (nothing acknowledged), kFailedPrecondition after Close.
  // REQUIRES: every event's eventTime and views are set; the batches are not used by anyone else
  // during the call.
  Result<AppendResult> AppendDirect(std::vector<EventBatch>&& batches);

  // Writes the memtable's events into a segment and waits until the manifest names it.
  Status Flush();
  // Merges small segments (any two or more) until there is nothing left to merge; waits.
  Status Compact();
  // Drops segments entirely older than `now_us` minus the retention period and raises the read
  // floor to that cutoff. Waits for the manifest to be written.
  Status ApplyRetention(int64_t now_us);
  // Changes the retention period (kInvalidArgument outside 7..3653 days); durable on return.
  Status SetRetentionDays(uint32_t days);

  // A consistent read view; see snapshot.h.
  std::shared_ptr<const Snapshot> GetSnapshot();
  StoreStats Stats();
  StoreSettings settings();
  const std::string& dir() const { return dir_; }

  // Waits for background work, stops the threads and closes the WAL. Appends made after Close
  // fail. If appends were being refused after a WAL failure, Close first tries to flush so the
  // failed write can never be replayed. Idempotent.
  Status Close();

 private:
  struct Writer;
  EventStore(Env* env, std::string dir, StoreOptions options);

  Status Initialize(bool create);
  Status Recover(const Manifest& manifest);
  Status ReplayWal(const std::string& path, MemTable* mem);
  void StartThreads();

  // Write path (mu_ held on entry and exit; may release it while waiting).
  // With `direct`, the writer is an AppendDirect (batch is null).
  Result<AppendResult> Write(std::shared_ptr<EventBatch> batch, bool force_switch,
                             std::vector<EventBatch>* direct = nullptr);
  Status MakeRoomForWrite(std::unique_lock<std::mutex>& l, bool force_switch);
  Status SwitchMemtable(std::unique_lock<std::mutex>& l);
  Status RecoverFromWalError(std::unique_lock<std::mutex>& l);
  // Deduplicates, logs and applies a group (mu_ NOT held).
  // Sets *wal_failed when the WAL write itself failed (the WAL is then broken).
  // Dedupes and writes a direct write's batches into one installed segment (mu_ NOT held; the
  // caller leads the write queue).
  Result<AppendResult> WriteDirect(std::vector<EventBatch>& batches, MemTable* mem,
                                   const std::shared_ptr<const MemTable>& imm,
                                   const std::shared_ptr<const Version>& version);
  Status CommitGroup(const std::vector<Writer*>& group, MemTable* mem,
                     const std::shared_ptr<const MemTable>& imm,
                     const std::shared_ptr<const Version>& version, WalWriter* wal,
                     bool* wal_failed);
  Status WaitForFlush(std::unique_lock<std::mutex>& l, uint64_t switch_seq);
  // Waits (mu_ held) until done(); see the definition for how flush failures end the wait.
  Status WaitForFlushState(std::unique_lock<std::mutex>& l, const std::function<bool()>& done);

  // Background.
  void FlushThread();
  void MaintenanceThread();
  Status FlushImmutable(std::shared_ptr<MemTable> imm, uint64_t next_log_number);
  Status CompactOnce(bool force, bool* did_work);
  Status ApplyRetentionAt(int64_t now_us, bool raise_floor);

  // Manifest (manifest_mu_ held): writes `m` (sequence bumped) and installs it as the current
  // version, reusing `keep` handles and adding `added`.
  // With flushed_imm, also drops imm_ (its events are in `added`) in the same critical section.
  Status InstallManifest(Manifest m, std::vector<std::shared_ptr<LiveSegment>> added,
                         bool flushed_imm = false);
  std::shared_ptr<LiveSegment> OpenSegment(const SegmentInfo& info);
  // The segments of `version` that may hold an event of eventTime [lo, hi] (a re-delivered event
  // carries its original eventTime), each with its key digest when the cache holds it or it can be
  // rebuilt within the cache's budget.
  struct DedupeCandidate {
    const LiveSegment* segment;
    std::shared_ptr<const KeyDigest> digest;  // null: ask the segment (bloom, block)
  };
  // Segments known to hold none of `accounts` (the write's recipientAccountIds) are left out.
  std::vector<DedupeCandidate> DedupeCandidates(const Version& version, int64_t lo, int64_t hi,
                                                const KeyAccounts& accounts);
  // Whether one of `candidates` holds the key of `e` (hash = its KeyHash). REQUIRES: e has an
  // eventID.
  Result<bool> InSegments(const std::vector<DedupeCandidate>& candidates, const Event& e,
                          uint64_t hash) const;
  // The digest of `seg`: cached, or rebuilt from its eventID and recipientAccountId columns and
  // cached. Null when the budget cannot hold it or the columns cannot be read (the segment then
  // answers itself and reports its damage).
  // Learns the segment's key accounts on the way, if it did not know them.
  std::shared_ptr<const KeyDigest> DigestOf(LiveSegment& seg);
  // Writes `refs` (sorted by eventTime) to a new segment file of `level` (durable, directory
  // entry too) and opens it, and caches the key digest of `key_hashes()` (called only when the
  // digest cache has a budget).
  // Not yet in the MANIFEST. On error the file is removed and the error is prefixed "<dir>:
  // <what>".
  Result<std::shared_ptr<LiveSegment>> WriteNewSegment(
      std::span<const EventRef> refs, const SegmentWriteOptions& options, uint32_t level,
      const std::function<std::vector<uint64_t>()>& key_hashes, std::string_view what);
  std::string SegmentPath(uint64_t number) const;
  std::string WalPath(uint64_t number) const;
  void DeleteObsoleteWals(uint64_t log_number);
  // The earliest eventTime readers may see: the manifest's floor or the clock's cutoff.
  int64_t ReadFloor(const Version& v, uint32_t retention_days) const;
  bool stopping();

  Env* const env_;
  const std::string dir_;
  const std::string wal_dir_;
  const std::string segment_dir_;
  const StoreOptions options_;

  // Serialises manifest writers (flush, compaction install, retention, settings). Taken before mu_.
  std::mutex manifest_mu_;
  Manifest manifest_;  // last written, guarded by manifest_mu_
  // Serialises compactions (Compact() and the maintenance thread).
  std::mutex compaction_mu_;

  std::mutex mu_;
  std::condition_variable bg_cv_;  // wakes the flush thread / waiters on flush progress
  std::condition_variable maintenance_cv_;
  std::deque<Writer*> writers_;
  std::shared_ptr<MemTable> mem_;
  std::shared_ptr<MemTable> imm_;     // being flushed, or null
  uint64_t imm_next_log_number_ = 0;  // WALs below it are covered once imm_ is flushed
  uint64_t switch_seq_ = 0;           // +1 per memtable switch
  uint64_t flushed_seq_ = 0;          // switches whose memtable is in a segment
  Status flush_error_;                // last flush attempt's error, cleared on success
  uint64_t flush_attempts_ = 0;       // flush attempts started
  uint64_t flush_error_attempt_ = 0;  // the attempt that set flush_error_
  bool retry_flush_now_ = false;      // a waiter wants a failed flush retried at once
  std::unique_ptr<WalWriter> wal_;
  Status wal_error_;           // set while appends are refused
  uint64_t recovery_seq_ = 0;  // the switch that abandoned the failed WAL, or 0
  std::shared_ptr<const Version> current_;
  std::shared_ptr<KeyDigestCache> digests_;  // options_.digest_cache or the store's own
  uint64_t next_file_number_ = 1;
  uint64_t flushes_ = 0, compactions_ = 0, direct_writes_ = 0;
  std::atomic<uint64_t> digest_rebuilds_{0};
  uint32_t retention_days_ = 0;  // copy of the manifest's, for readers
  bool maintenance_requested_ = false;
  bool stop_ = false;  // background threads exit
  bool closing_ = false;
  bool closed_ = false;
  Status close_status_;
  std::thread flush_thread_;
  std::thread maintenance_thread_;
};

}  // namespace cairn
