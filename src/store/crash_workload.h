// src/store/crash_workload.h
//
// The deterministic workload of the store's crash test: `cairn debug crash-writer` (the child that
// appends and gets killed) and event_store_crash_test.cc (the parent that checks the store after
// each kill) both derive every batch from (seed, batch number), so the parent knows exactly what
// each acknowledged batch holds without being told.
//
// Batch b carries either its own events — ids "b<b>-<i>", i < OwnEventCount(seed, b) — or, for
// about one batch in eight, an exact re-send of an earlier batch's own events (ContentOf(seed, b)
// names which), to exercise deduplication across memtables, segments and restarts.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "event/event.h"
#include "event/record_parser.h"
#include "store/event_store.h"

namespace cairn::crash_workload {

// The batch whose own events batch `b` carries (b itself, or an earlier batch for a re-send).
uint64_t ContentOf(uint64_t seed, uint64_t b);
// How many events batch `b`'s own content has (1..40).
size_t OwnEventCount(uint64_t seed, uint64_t b);
std::string EventId(uint64_t b, size_t i);
// Parses "b<b>-<i>"; false for other ids.
bool ParseEventId(std::string_view id, uint64_t* b, size_t* i);
// Store options that make flushes and compactions frequent (small memtable, small segments).
StoreOptions StoreOptionsForCrashTest();
// Builds the batch appended as number `b` (parsed with `parser`).
Result<EventBatch> MakeBatch(uint64_t seed, uint64_t b, RecordParser* parser);

}  // namespace cairn::crash_workload
