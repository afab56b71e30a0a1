// src/event/input_walker.h
//
// Turns command-line inputs (files, folders, "-" for stdin) into parsed EventBatches, one per
// file, in a stable order, parsing several files at once.
//
// Folders are walked recursively in name order. In folders, files named *.json, *.jsonl,
// *.ndjson (each optionally .gz) are inputs; other files are counted as skipped. A synced bucket
// works as is: AWSLogs/ACCOUNT/CloudTrail/... and AWSLogs/o-ID/ACCOUNT/CloudTrail/... (spec
// trails.md §8.1). CloudTrail-Digest and CloudTrail-Insight files are recognised (by folder or by
// file name) and counted, not read as events, even when named explicitly.
//
// Thread-safety: ParseInputs may be called from any thread; it runs its own workers and calls
// `sink` on the calling thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/envelope.h"
#include "event/event.h"
#include "event/input_reader.h"
#include "event/key_layout.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"

namespace cairn {

// One input file to parse, with what its path says about it.
struct InputFile {
  std::string path;  // "-" is stdin
  KeyLayout layout;  // hints only
};

// Expands `inputs` into the files to parse, in order (each folder's files sorted by path).
// Digest, Insight and other skipped files are counted in `summary`; an input that does not exist
// is counted as a kUnreadable rejection (the others still go ahead).
std::vector<InputFile> ExpandInputs(Env* env, const std::vector<std::string>& inputs,
                                    ParseSummary* summary);

// One parsed file, or one part of a large one, handed to the sink.
struct ParsedFile {
  InputFile file;
  Envelope envelope = Envelope::kUnknown;
  EventBatch batch;
  ParseSummary summary;  // this part's counts and errors
  size_t part = 0;       // parts of one file arrive in order, 0, 1, ...
  bool last_part = true;
  uint64_t memory_bytes = 0;  // batch.MemoryBytes() as parsed
};

struct ParseOptions {
  RecordParserOptions record;
  // JSON per batch for large inputs (see input_reader.h); smaller inputs are one batch.
  ReadOptions read;
  // Worker threads; 0 means one per hardware thread.
  size_t threads = 0;
  // Memory of parsed batches (EventBatch::MemoryBytes: the JSON text, the events, their arena)
  // not taken by the sink yet, queued or still held by their worker. A worker waits for room
  // before it parses a file, so the bound is passed by at most one file per worker, and the file
  // the sink waits for is always let through. Memory, not JSON bytes: the events take ~2/3 of
  // their text again; and not a number of files, which would let the memory grow with the files'
  // size (the 10M benchmark's files are ten times the 1M's).
  size_t max_bytes_in_flight = size_t{128} << 20;
  // If set, kept equal to the memory of the parsed batches waiting for the sink (for watching
  // memory: cairn import's CAIRN_IMPORT_MEMLOG).
  std::atomic<uint64_t>* bytes_in_flight_gauge = nullptr;
};

// Parses every input and calls `sink` once per file (once per part for large files), in the
// order of ExpandInputs, on the calling thread, while workers parse the next files. Workers take
// runs of consecutive files (up to 32 small ones) and hand them over together, so thousands of
// small trail files cost few thread wake-ups. Memory stays bounded by max_bytes_in_flight (see
// there; and two parts per streamed file). The sink may move the batch away.
// Counts go into `*summary` (files, bytes, accepted, rejected by reason, first errors). Returns
// the sink's first error (parsing stops early), else OK: rejected records are counts, not errors.
Status ParseInputs(Env* env, const std::vector<std::string>& inputs, const ParseOptions& options,
                   ParseSummary* summary, const std::function<Status(ParsedFile&)>& sink);

}  // namespace cairn
