// src/event/input_reader.h
//
// Reading one input: a file (through Env) or bytes already in memory, gzip or plain, in any of the
// envelopes of src/event/envelope.h, parsed into an EventBatch. A file that cannot be read or
// decompressed at all is one kUnreadable rejection; a gzip stream that breaks part-way keeps the
// records decoded before the break and reports one kTruncated error (file and offset).
//
// Thread-safety: free functions; the parser, batch and summary must not be shared during a call.
#pragma once

#include <string>
#include <string_view>

#include "common/env.h"
#include "event/envelope.h"
#include "event/event.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"

namespace cairn {

// Parses `bytes` (gzip or plain JSON text) named `name`. Counts files_read, bytes_read
// (bytes.size()) and bytes_json. Returns the envelope found (kUnknown if unreadable).
Envelope ParseInputBytes(std::string bytes, std::string_view name, RecordParser* parser,
                         EventBatch* batch, ParseSummary* summary);

// Reads `path` through `env` and parses it like ParseInputBytes, without copying the compressed
// bytes of mmap-able files and without copying the decompressed text again for the parser.
Envelope ParseInputFile(Env* env, const std::string& path, RecordParser* parser,
                        EventBatch* batch, ParseSummary* summary);

}  // namespace cairn
