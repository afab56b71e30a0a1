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
// Thread-safety: a Router is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cloud/data_dir.h"
#include "common/status.h"
#include "event/event.h"

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
  // Appends every pending history event; durable on return.
  Status Flush();

  const RouteCounts& counts() const { return counts_; }

 private:
  struct Pending {
    EventHistory* history = nullptr;
    EventBatch batch;
    uint64_t bytes = 0;
  };
  Status AppendPending(Pending* p);

  DataDir* dir_;
  RouterOptions options_;
  EventStore* org_ = nullptr;
  std::map<std::pair<std::string, std::string>, Pending> pending_;  // by (account, region)
  uint64_t pending_bytes_ = 0;
  RouteCounts counts_;
};

// Appends a copy of `e` (of `src`) to `dst`: the raw record is copied once and every view into it
// re-pointed; other views are copied into dst's arena.
void CopyEventInto(const Event& e, const EventBatch& src, EventBatch* dst);

}  // namespace cairn::cloud
