// src/store/version.h
//
// A Version is one state of a store's segment list: what one MANIFEST names. The store replaces
// its current Version as a whole after each flush, compaction or retention pass; readers and the
// ingest path hold a shared_ptr to the Version they started with, so a running query never sees a
// segment appear or vanish.
//
// A LiveSegment is one segment file, shared by every Version (and Snapshot) that lists it. When a
// segment leaves the current Version (compacted away or expired) the store marks it obsolete; the
// file is deleted when the last holder drops it, i.e. when no snapshot uses it any more.
//
// Thread-safety: a Version is immutable once built; LiveSegment's const members and its reader's
// const methods may be used from any thread. REQUIRES: the Env outlives every LiveSegment.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/key_digest.h"
#include "store/manifest.h"
#include "store/segment_reader.h"

namespace cairn {

class LiveSegment {
 public:
  LiveSegment(Env* env, std::string path, SegmentInfo info, std::unique_ptr<SegmentReader> reader,
              Status error)
      : env_(env),
        path_(std::move(path)),
        info_(info),
        reader_(std::move(reader)),
        error_(std::move(error)) {}
  ~LiveSegment() {
    reader_.reset();                                              // close before deleting
    if (obsolete_.load()) env_->RemoveFile(path_).IgnoreError();  // a leftover is removed at open
  }
  LiveSegment(const LiveSegment&) = delete;
  LiveSegment& operator=(const LiveSegment&) = delete;

  const SegmentInfo& info() const { return info_; }
  const std::string& path() const { return path_; }
  // Null when the segment could not be opened (a "bad" segment; see error()).
  const SegmentReader* reader() const { return reader_.get(); }
  bool bad() const { return reader_ == nullptr; }
  const Status& error() const { return error_; }

  // The distinct recipientAccountIds of the segment's events (key_digest.h), once known: set by
  // the write that made the segment, or by the dedupe check when it reads the segment's keys.
  // Null while unknown.
  std::shared_ptr<const KeyAccounts> key_accounts() const {
    std::lock_guard<std::mutex> l(accounts_mu_);
    return accounts_;
  }
  void set_key_accounts(std::shared_ptr<const KeyAccounts> a) {
    std::lock_guard<std::mutex> l(accounts_mu_);
    accounts_ = std::move(a);
  }

  // Called by the store once no current Version lists this segment.
  void MarkObsolete() { obsolete_.store(true); }

 private:
  Env* env_;
  std::string path_;
  SegmentInfo info_;
  std::unique_ptr<SegmentReader> reader_;
  Status error_;
  std::atomic<bool> obsolete_{false};
  mutable std::mutex accounts_mu_;
  std::shared_ptr<const KeyAccounts> accounts_;
};

struct Version {
  uint64_t manifest_sequence = 0;
  int64_t retention_floor_us = INT64_MIN;
  // In manifest order (flush order; a compaction output takes the place of its first input).
  std::vector<std::shared_ptr<LiveSegment>> segments;
};

}  // namespace cairn
