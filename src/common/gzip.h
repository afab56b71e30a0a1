// src/common/gzip.h
//
// gzip (RFC 1952) decoding and encoding. Whole buffers go through libdeflate (fast, ~1.2 GB/s
// inflate); inputs too large to hold twice in memory or of unknown size (stdin) go through
// GzipStreamReader (ISA-L's streaming igzip inflate, ~1.1 GB/s, twice zlib's speed), which yields
// the decompressed bytes in chunks.
//
// What is accepted: one or more concatenated gzip members (each decoded in turn, their outputs
// appended, as `gzip -d` does), each with any of the optional header fields (FEXTRA, FNAME,
// FCOMMENT, FHCRC). Each member's CRC-32 and ISIZE are verified (and the header CRC-16, by
// GzipStreamReader only: libdeflate skips it). Rejected with kDataLoss, naming
// the input and the byte offset where decoding failed: a truncated member, corrupt deflate data, a
// CRC/ISIZE mismatch, and bytes after a member that do not start another member (trailing
// garbage, including zero padding). A non-gzip input to Inflate is kInvalidArgument.
//
// Thread-safety: the free functions may be called from many threads at once (each thread keeps
// its own libdeflate state). A GzipStreamReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"

struct inflate_state;  // ISA-L

namespace cairn::gzip {

// True if `data` starts with the gzip magic bytes 1f 8b.
bool IsGzip(std::string_view data);

// Decompresses every gzip member of `gz`. Errors name `name` (usually the file's path) and the
// byte offset in `gz` where decoding failed.
// The result usually has >= 64 bytes of spare capacity (simdjson padding; not guaranteed).
Result<std::string> Inflate(std::string_view gz, std::string_view name);

// Inflate(bytes) if IsGzip(bytes), otherwise a copy of `bytes`.
Result<std::string> MaybeInflate(std::string_view bytes, std::string_view name);

// Compresses `data` into one gzip member. `level` is clamped to libdeflate's 0 (stored) .. 12
// (slowest, smallest); 6 matches gzip's default.
std::string Deflate(std::string_view data, int level = 6);

// Huffman codes for DeflateFast, built once from sample text and then used for many inputs, so
// that small inputs skip building a code of their own (for files of a few KB, building the code
// is ~20% of igzip's time) while keeping most of what a per-input code saves.
// Thread-safety: immutable after FromSample; share it between threads freely.
class DeflateCodes {
 public:
  // Builds codes from the literal, length and distance frequencies igzip's matcher finds in
  // `sample`. Every literal, length and distance gets a code (the ones absent from the sample get
  // long ones), so any data can be compressed with them; data like the sample compresses best.
  // The frequencies come from ISA-L's portable C kernel, never a CPU-specific one, so the same
  // sample gives the same codes on every machine. An empty sample gives usable (flat) codes.
  static std::shared_ptr<const DeflateCodes> FromSample(std::string_view sample);

  ~DeflateCodes();
  DeflateCodes(const DeflateCodes&) = delete;
  DeflateCodes& operator=(const DeflateCodes&) = delete;

  // ISA-L's tables (struct isal_hufftables), for DeflateFast.
  const void* tables() const { return tables_.get(); }

 private:
  struct Tables;
  DeflateCodes();
  std::unique_ptr<Tables> tables_;
};

// Compresses `data` into one gzip member as fast as this machine can: ISA-L's igzip. Without
// `codes`, at its level 1, which builds a Huffman code per input (about 2-3x libdeflate level 1's
// speed on CloudTrail JSON, files ~10% larger). With `codes`, at its level 0 with those codes
// (one dynamic block whose header is the codes'): ~15-20% less CPU again for small inputs, at a
// size close to level 1's when the data resembles the codes' sample. The bytes are a pure
// function of `data` (and the codes) on every x86-64 CPU with SSE4.2, which is what the
// generator's "same seed, same bytes" needs. The gzip header carries no time or name.
std::string DeflateFast(std::string_view data, const DeflateCodes* codes = nullptr);

// Decompresses a gzip stream read from a SequentialFile, chunk by chunk, without holding the
// whole input or output in memory. Accepts exactly what Inflate accepts.
//
//   GzipStreamReader r(file.get(), path);
//   while (true) {
//     ASSIGN_OR_RETURN(std::string_view chunk, r.Next());
//     if (chunk.empty()) break;   // end of stream, all CRCs verified
//     Consume(chunk);
//   }
//
// For stdin, open "/dev/stdin" with Env::Default()->NewSequentialFile.
class GzipStreamReader {
 public:
  struct Options {
    // Size of the output chunks handed out by Next (the last may be shorter).
    size_t chunk_size = 1 << 20;
    // Size of the reads issued to the source.
    size_t read_size = 256 << 10;
    // If the stream does not start with the gzip magic, pass its bytes through unchanged instead
    // of failing with kInvalidArgument (the streaming MaybeInflate).
    bool pass_through_if_not_gzip = false;
  };

  // REQUIRES: `source` outlives the reader and is positioned at the start of the stream.
  GzipStreamReader(SequentialFile* source, std::string name);
  GzipStreamReader(SequentialFile* source, std::string name, Options options);
  ~GzipStreamReader();
  GzipStreamReader(const GzipStreamReader&) = delete;
  GzipStreamReader& operator=(const GzipStreamReader&) = delete;

  // Returns the next non-empty chunk of decompressed bytes, or an empty view at the end of the
  // stream. The view is valid until the next call. After an error, every later call returns the
  // same error.
  Result<std::string_view> Next();

  // Bytes of the compressed input consumed so far.
  uint64_t compressed_offset() const { return consumed_; }

 private:
  // Ensures at least `n` unconsumed input bytes are buffered, unless the source ends first.
  Status Fill(size_t n);
  // Reads the member header at the read position and readies the inflater for its data.
  Status StartMember();
  Status Fail(Status s);
  Status CorruptAt(uint64_t offset, std::string_view what);

  SequentialFile* source_;
  std::string name_;
  Options options_;
  std::unique_ptr<inflate_state> inflater_;
  enum class State { kStart, kInMember, kBetweenMembers, kPassThrough, kDone, kError };
  State state_ = State::kStart;
  Status error_;
  std::string in_;  // read buffer; unconsumed bytes are in_[in_pos_, in_end_)
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  bool source_eof_ = false;
  uint64_t consumed_ = 0;  // input bytes consumed before in_[in_pos_]
  std::string out_;
};

}  // namespace cairn::gzip
