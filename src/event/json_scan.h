// src/event/json_scan.h
//
// Structural scanning of JSON text without parsing it: where does the value that starts here end?
// The envelope splitter uses it to cut a 500 MB `{"Records":[...]}` file into records without a
// DOM and without handing the whole file to simdjson (whose index would cost ~5x the file size);
// each record is then parsed on its own, so one broken record does not take its file down.
//
// These functions only track strings, escapes and bracket depth; they do not validate JSON (the
// record parser does). On valid JSON they find exactly the value's end. On invalid JSON they return
// some position or kNotFound, never read outside the padded buffer, and never loop forever.
//
// Padding: every function may read up to kScanPadding bytes past `end`. Callers pass buffers with
// at least that much allocated beyond `end` (EventBatch-owned input buffers have SIMDJSON_PADDING).
// Bytes past `end` are read but never interpreted.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::json_scan {

inline constexpr size_t kNotFound = static_cast<size_t>(-1);
inline constexpr size_t kScanPadding = 64;

inline bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Returns the first position in [pos, end) that is not JSON whitespace, or `end`.
inline size_t SkipWhitespace(const char* data, size_t pos, size_t end) {
  while (pos < end && IsSpace(data[pos])) ++pos;
  return pos;
}

// REQUIRES: data[begin] is '{' or '['. Returns the offset just past the matching '}' or ']', or
// kNotFound if it is not closed before `end`. Brackets of either kind are counted alike (the
// record parser rejects mismatched kinds). If `saw_backslash` is not null it is set to whether
// any backslash occurs in the bytes scanned (a record without one has no escaped strings).
// Runs 64 bytes per step with AVX2 when the CPU has it, SSE2 otherwise.
size_t FindContainerEnd(const char* data, size_t begin, size_t end, bool* saw_backslash = nullptr);

// Where a container scan stopped, to go on in the next buffer (a value split across chunks).
struct ScanState {
  int64_t depth = 0;
  uint64_t in_string = 0;     // all ones inside a string
  uint64_t escape_carry = 0;  // 1 when the last byte scanned was an unescaped backslash
};

// FindContainerEnd in pieces: scans [pos, end) continuing from `*state` (a default ScanState at
// the container's first byte). Returns the offset just past the container's end, or kNotFound
// after updating `*state` so that scanning resumes with the next bytes of the text (which the
// caller may hand over in another buffer, starting at offset 0).
size_t ResumeContainerEnd(const char* data, size_t pos, size_t end, ScanState* state);

// REQUIRES: data[begin] is '"'. Returns the offset just past the closing quote, or kNotFound.
size_t FindStringEnd(const char* data, size_t begin, size_t end);

// Returns the offset just past the value starting at `begin` (a container, a string, or a scalar
// token, which ends at whitespace or one of ",:]}"), or kNotFound if a container or string is not
// closed before `end`. REQUIRES: begin < end and data[begin] is not whitespace.
size_t SkipValue(const char* data, size_t begin, size_t end);

// The reference implementation of FindContainerEnd, one byte at a time, and the baseline (SSE2)
// block version; tests compare them with the dispatched one.
size_t FindContainerEndScalar(const char* data, size_t begin, size_t end);
size_t FindContainerEndBaseline(const char* data, size_t begin, size_t end);

}  // namespace cairn::json_scan
