// src/store/wal_writer.h
//
// WalWriter appends framed records to one write-ahead-log file (format: doc/format/wal.md) and
// makes them durable. The store's group commit hands it one buffer per group: one Append, one Sync.
//
// Failure model: after any failed Append or Sync the writer is broken. The file's tail is then
// undefined (a torn record, or a whole record that may or may not be on disk), so nothing more may
// be written after it: every later Write returns the first error. The store abandons a broken WAL
// (see doc/store.md, "Failure modes").
//
// Thread-safety: not synchronised; the store's current group-commit leader is its only user.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"

namespace cairn {

class WalWriter {
 public:
  // Creates `path` (truncating any file there), writes the file-header record naming `number`,
  // and syncs the file and the folder `dir` that holds it, so that the file itself survives a power
  // cut before the first batch is acknowledged.
  static Result<std::unique_ptr<WalWriter>> Create(Env* env, const std::string& dir,
                                                   const std::string& path, uint64_t number);

  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;
  ~WalWriter();

  // Appends `records` (one or more records framed by wal::AppendRecord / FinishRecord) and syncs.
  // Returns OK only once all of them are durable.
  Status Write(std::string_view records);

  // Closes the file. A broken writer returns its error.
  Status Close();

  uint64_t number() const { return number_; }
  const std::string& path() const { return path_; }
  // Bytes in the file, including a failed write's possibly partial tail.
  uint64_t size() const { return size_; }
  bool broken() const { return !error_.ok(); }
  const Status& error() const { return error_; }

 private:
  WalWriter(std::unique_ptr<WritableFile> file, std::string path, uint64_t number)
      : file_(std::move(file)), path_(std::move(path)), number_(number) {}

  std::unique_ptr<WritableFile> file_;
  std::string path_;
  uint64_t number_;
  uint64_t size_ = 0;
  Status error_;
};

}  // namespace cairn
