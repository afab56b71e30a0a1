// src/event/input_reader.h
//
// Reading one input: a file (through Env), stdin, or bytes already in memory; gzip or plain; in
// any of the envelopes of src/event/envelope.h; parsed into EventBatches.
//
// Inputs whose JSON fits in a part (128 MiB by default) are decompressed whole (libdeflate) and
// parsed into one batch. Larger inputs, and stdin, are streamed: decompressed chunk by chunk and
// parsed into one batch per part, so memory stays bounded whatever the input's size.
// A file that cannot be read or decompressed at all is one kUnreadable rejection; a gzip stream
// that breaks part-way keeps the records decoded before the break and reports one kTruncated
// error (input and offset).
//
// Thread-safety: free functions; the parser and summaries must not be shared during a call.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"
#include "event/envelope.h"
#include "event/event.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"

namespace cairn {

// One batch of an input's records.
struct InputPart {
  EventBatch batch;
  ParseSummary summary;  // this part's counts and rejections (the input's totals summed up)
  Envelope envelope = Envelope::kUnknown;
  size_t index = 0;   // 0, 1, ... within the input
  bool last = false;  // no part of this input follows
};

struct ReadOptions {
  // JSON text per part when streaming, and the largest input parsed whole.
  size_t part_bytes = size_t{128} << 20;
};

// Reads `path` (a file through `env`, or stdin through env's "/dev/stdin" when path is "-") and
// calls `sink` with each part, in order; the last call has part.last set (an unreadable input
// still yields one empty last part carrying the rejection). `name` names the input in messages.
// Returns the sink's first error (reading stops), else OK: rejected records are counts.
Status ReadInput(Env* env, const std::string& path, std::string_view name, RecordParser* parser,
                 const ReadOptions& options, const std::function<Status(InputPart&)>& sink);

// Parses `bytes` (gzip or plain JSON text) named `name` whole, into one batch. Counts
// files_read, bytes_read (bytes.size()) and bytes_json. Returns the envelope found (kUnknown if
// unreadable).
Envelope ParseInputBytes(std::string bytes, std::string_view name, RecordParser* parser,
                         EventBatch* batch, ParseSummary* summary);

// Reads `path` through `env` and parses it whole like ParseInputBytes, without copying the
// compressed bytes of mmap-able files and without copying the decompressed text again.
Envelope ParseInputFile(Env* env, const std::string& path, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary);

}  // namespace cairn
