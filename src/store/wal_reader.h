// src/store/wal_reader.h
//
// WalReader reads back the records of one write-ahead-log file (format: doc/format/wal.md) for
// replay. It checks every record's CRC and tells a torn tail (the end of a write that never
// completed: ignored) from corruption (a bad record with valid-looking data after it: kDataLoss).
//
// A record is a torn tail when, starting at its offset, the file ends before the header does, the
// header's length runs to or past the end of the file, or everything from the record to the end of
// the file is zero bytes (a file extended by a crash whose data blocks never reached the disk).
//
// Thread-safety: not synchronised; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"
#include "store/wal_format.h"

namespace cairn {

struct WalRecord {
  wal::RecordType type;
  std::string_view payload;  // valid until the reader is destroyed
  uint64_t offset;           // of the record's header in the file
  uint64_t index;            // 0 = the file header record
};

class WalReader {
 public:
  // Reads all of `path` into memory (a WAL holds at most about one memtable) and validates the
  // file-header record. A file too short to hold a complete header record (created just before a
  // crash) reads as empty. kDataLoss if the first record is complete but is not a valid header.
  static Result<std::unique_ptr<WalReader>> Open(Env* env, const std::string& path);

  // Reads the next batch record. Returns true and fills `*rec`, or false at the end of the file
  // (clean end or torn tail; see torn_tail()). Returns kDataLoss naming the file, record index and
  // offset for a bad record that is not a torn tail, or for a record of unknown type.
  Result<bool> Next(WalRecord* rec);

  // The number in the file-header record (0 if the file read as empty).
  uint64_t file_number() const { return file_number_; }
  // After Next returned false: whether the file ended in a torn record, and where it began.
  bool torn_tail() const { return torn_; }
  uint64_t valid_length() const { return pos_; }

 private:
  WalReader(std::string path, std::string data) : path_(std::move(path)), data_(std::move(data)) {}
  // Reads the record at pos_ whatever its type. Same return contract as Next.
  Result<bool> ReadRecord(WalRecord* rec);
  bool ZeroToEnd(uint64_t from) const;

  std::string path_;
  std::string data_;
  uint64_t pos_ = 0;
  uint64_t index_ = 0;
  uint64_t file_number_ = 0;
  bool torn_ = false;
};

}  // namespace cairn
