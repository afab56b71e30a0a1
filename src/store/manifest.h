// src/store/manifest.h
//
// The MANIFEST names everything that makes up a store at one moment: its settings (id, kind,
// retention), the live segments with their metadata, which WAL files are already covered by
// segments, and the next file number. It is replaced atomically as a whole (Env::WriteFileAtomic)
// after every flush, compaction, retention pass and settings change, so a reader of the folder
// always sees one consistent version. Byte format: doc/format/manifest.md and atop manifest.cc.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn {

inline constexpr uint32_t kMinRetentionDays = 7;
inline constexpr uint32_t kMaxRetentionDays = 3653;

// Returns kInvalidArgument unless 7 <= days <= 3653.
Status ValidateRetentionDays(uint32_t days);

struct StoreSettings {
  std::string id;    // the event data store's id (or "history" ...); free text, may be empty
  std::string kind;  // what the store holds, e.g. "event-data-store", "event-history"
  uint32_t retention_days = 2557;
  bool operator==(const StoreSettings&) const = default;
};

// What the store knows about one live segment without opening it.
struct SegmentInfo {
  uint64_t number = 0;  // the file is segments/<number>.seg
  uint64_t event_count = 0;
  int64_t min_time_us = 0;  // eventTime range of its events (inclusive)
  int64_t max_time_us = 0;
  uint64_t file_bytes = 0;
  uint64_t raw_bytes = 0;  // sum of the events' raw record sizes (memory needed to rewrite it)
  uint32_t level = 0;      // 0 = written by a flush; n = made by compaction from level < n
  bool operator==(const SegmentInfo&) const = default;
};

struct Manifest {
  uint64_t sequence = 0;  // +1 on every write; tells versions apart in logs and tests
  StoreSettings settings;
  uint64_t next_file_number = 1;           // WAL and segment files share one number space
  uint64_t log_number = 0;                 // WAL files numbered below this are covered by segments
  int64_t retention_floor_us = INT64_MIN;  // events before this are expired (last retention pass)
  std::vector<SegmentInfo> segments;
  bool operator==(const Manifest&) const = default;
};

inline constexpr uint32_t kManifestFormatVersion = 1;

std::string EncodeManifest(const Manifest& m);
// Decodes bytes written by EncodeManifest of any supported format version. kDataLoss naming
// `name` (the file) when the bytes are not a valid manifest.
Result<Manifest> DecodeManifest(std::string_view bytes, std::string_view name);

// "000007.seg" and its parser, for the store's segments/ folder.
std::string SegmentFileName(uint64_t number);
bool ParseSegmentFileName(std::string_view name, uint64_t* number);

}  // namespace cairn
