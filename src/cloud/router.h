// src/cloud/router.h
//
// The Router hands parsed events to the stores that keep them (DESIGN.md §1): every event goes to
// the organization's event data store; each management or Insights event of the last 90 days also
// goes to the event history of its account and region (spec/event-history.md §1, §8):
//   account := recipientAccountId, or userIdentity.accountId when that is absent
//   region  := awsRegion
// Data and network activity events, older events, and events without a usable account or region
// are in the organization store only (and counted).
//
// History events are copied out of the batch (their own buffers) and gathered per history, then
// appended in large batches: an organization's events spread over many histories, and one append
// (one WAL fsync) per history per input batch would cost more than the events. Route() returns
// once the organization store holds the batch durably; the history events it set aside are durable
// once Flush() returns. Memory set aside is bounded (RouterOptions::max_pending_bytes).
//
// Direct mode (RouterOptions::direct, what `cairn import` uses): no WAL and no memtables. The
// organization store's batches are gathered up to a segment's worth of raw records, and each
// history's events up to its own, then written straight into segments (EventStore::AppendDirect)
// by a few writer threads while routing goes on, so each event is written once and parsing and
// segment writing overlap. Counts (accepted, duplicates) grow only as segments are installed, so
// they never include an event that is not durable; after Flush() they are complete.
//
// Thread-safety: Route/Flush/Stop are called by one thread at a time; counts() from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cloud/data_dir.h"
#include "common/status.h"
#include "event/event.h"
#include "event/event_array_pool.h"

namespace cairn::cloud {

struct RouterOptions {
  // A history's events are appended once this many are waiting, or once they account for
  // history_batch_bytes (MemTable::EventBytes) ...
  size_t history_batch_events = 32768;
  // (the history memtable's size: a larger append would leave a history holding two oversized
  // memtables, and an organization has many histories)
  uint64_t history_batch_bytes = 4ull << 20;
  // ... and the largest pending set is appended whenever all of them together exceed this.
  uint64_t max_pending_bytes = 32ull << 20;

  // Direct mode (see above). Pending events are written as a segment once the organization's
  // reach direct_org_raw_bytes of raw records, or a history's direct_history_raw_bytes (both a
  // little above the stores' small_segment_raw_bytes, so compaction never rewrites them), or, for
  // the pending history that got no event for the longest time, once all histories' pending
  // memory exceeds direct_max_pending_bytes. Logs are walked account by account and region by
  // region: the histories left behind hold the remainders of their last sets, which would only
  // sit in memory, while the one being filled grows to a whole segment. direct_threads write
  // segments; direct_queue more writes may wait (their memory is part of the import's); with 0,
  // routing waits until a writer is free.
  bool direct = false;
  uint64_t direct_org_raw_bytes = 72ull << 20;
  uint64_t direct_history_raw_bytes = 36ull << 20;
  uint64_t direct_max_pending_bytes = 64ull << 20;
  size_t direct_threads = 2;
  size_t direct_queue = 0;
  // If not 0: Route waits, before taking a batch, while the events the router holds (gathered,
  // set aside and handed to writes: HeldMemory) reach this many bytes and a write is running.
  // With two writers busy, gathering a third set ahead only adds memory: the cores are busy.
  uint64_t direct_max_held_bytes = 0;
  // A history's pending events are gathered in chunks of this many (~4 MB of Event structs): one
  // array growing by doubling would copy the 1 KB events around and fault in fresh pages.
  size_t direct_chunk_events = 4096;
  // Called by a writer thread after each direct write has given its memory back (cairn import
  // returns freed heap pages to the system there: malloc_trim).
  std::function<void()> after_direct_write;
  // If set (direct mode), histories' chunks take their event arrays from it, and the event
  // arrays of every batch written are given back to it. Must outlive the Router.
  EventArrayPool* array_pool = nullptr;
};

// What the router holds or causes to be held, for memory accounting (cairn import's
// CAIRN_IMPORT_MEMLOG samples it).
struct RouterMemory {
  uint64_t pending_history_bytes = 0;  // history events set aside (MemTable::EventBytes)
  uint64_t pending_org_raw_bytes = 0;  // direct mode: organization events gathered (raw records)
  // The heap memory (EventBatch::MemoryBytes) of the events the router holds: gathered for the
  // organization store, set aside for histories, and handed to writes (queued or being written;
  // not the writers' own working memory).
  uint64_t held_org_bytes = 0;
  uint64_t held_history_bytes = 0;
  uint64_t held_writing_bytes = 0;
  uint64_t writes_running = 0;       // direct writes queued or running
  uint64_t key_digest_bytes = 0;     // the key digest cache (one per data folder)
  uint64_t stores = 0;               // stores routed into
  uint64_t segments = 0;             // their live segments
  uint64_t key_digest_rebuilds = 0;  // digests rebuilt from their segments
};

struct RouteCounts {
  uint64_t events = 0;      // events routed
  uint64_t accepted = 0;    // new in the organization store
  uint64_t duplicates = 0;  // already in the organization store
  uint64_t history_accepted = 0;
  uint64_t history_duplicates = 0;
  uint64_t history_too_old = 0;  // management/Insights events older than the 90-day window
  uint64_t history_no_key = 0;   // management/Insights events without a usable account or region
  uint64_t not_history = 0;      // data and network activity events
};

class Router {
 public:
  // REQUIRES: `dir` outlives the Router.
  explicit Router(DataDir* dir, RouterOptions options = {});
  ~Router();

  // Appends `batch` to the organization store (created on first use) and sets its history
  // events aside. On error nothing more of the batch is appended; events of earlier calls that
  // were set aside stay pending.
  Status Route(EventBatch&& batch);
  // Appends (direct mode: writes) every pending event and waits for the writes; durable on return.
  Status Flush();
  // Direct mode: drops the writes not yet started and waits for the running ones (after an error,
  // before the data folder closes). Flush() and the destructor do it too.
  void Stop();

  RouteCounts counts() const;
  // REQUIRES: called by the routing thread (between Route calls).
  RouterMemory Memory();
  // The held_* fields and writes_running of Memory(), from any thread.
  RouterMemory HeldMemory() const;

 private:
  struct Pending {
    EventHistory* history = nullptr;
    std::vector<EventBatch> chunks;  // direct mode: full chunks, then `batch`
    EventBatch batch;
    uint64_t bytes = 0;
    uint64_t raw_bytes = 0;
    uint64_t last_route = 0;  // the Route call that last added an event
    uint64_t held = 0;        // MemoryBytes of chunks and batch
  };
  struct DirectJob {
    EventStore* store = nullptr;
    bool history = false;
    std::vector<EventBatch> batches;
    uint64_t held = 0;  // MemoryBytes of the batches
  };
  Status AppendPending(Pending* p);
  Status ResolveHistory(Pending* p);
  // Direct mode: queues a write (blocks while direct_queue writes wait); the first error of any
  // write is returned by this and every later call.
  Status Submit(DirectJob job);
  // Direct mode: submits the organization events gathered so far as one write.
  Status SubmitOrgPending();
  // Drops the queued writes. REQUIRES: mu_ held.
  void DropJobs();
  void DirectThread();
  // Direct mode: waits while direct_max_held_bytes is reached (see RouterOptions); returns the
  // first error of any write so far.
  Status WaitForRoom();

  DataDir* dir_;
  RouterOptions options_;
  EventStore* org_ = nullptr;
  std::map<std::pair<std::string, std::string>, Pending> pending_;  // by (account, region)
  uint64_t pending_bytes_ = 0;
  uint64_t routes_ = 0;                  // Route calls
  std::vector<EventBatch> org_pending_;  // direct mode
  uint64_t org_pending_raw_ = 0;
  // Memory held, for HeldMemory() (written by the routing thread and the writers).
  std::atomic<uint64_t> held_org_{0}, held_history_{0}, held_writing_{0}, writes_{0};

  mutable std::mutex mu_;  // counts_ and the direct writers' state
  std::condition_variable cv_;
  RouteCounts counts_;
  std::deque<DirectJob> jobs_;
  size_t running_ = 0;
  bool stop_ = false;
  Status direct_error_;
  std::vector<std::thread> threads_;
};

// Appends a copy of `e` (of `src`) to `dst`: the raw record is copied once and every view into it
// re-pointed; other views are copied into dst's arena.
void CopyEventInto(const Event& e, const EventBatch& src, EventBatch* dst);

}  // namespace cairn::cloud
