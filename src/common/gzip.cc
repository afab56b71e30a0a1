#include "common/gzip.h"

#include <fmt/format.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstring>

namespace cairn::gzip {
namespace {

// Deflate cannot expand data by more than 1032:1 (a 258-byte match costs at least 2 bits), so an
// output larger than this bound means the input is corrupt; it also bounds what a forged ISIZE
// trailer can make us allocate.
constexpr size_t kMaxDeflateRatio = 1032;
constexpr size_t kMinOutput = 4096;
// Spare capacity left after Inflate's output, so that a JSON parser that reads past the end
// (simdjson wants 64 bytes of padding) can use the buffer in place instead of copying it.
constexpr size_t kOutputSlack = 64;

struct DecompressorFree {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct CompressorFree {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

libdeflate_decompressor* ThreadDecompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorFree> d(
      libdeflate_alloc_decompressor());
  return d.get();
}

// One compressor per thread, for the level used last (a level-12 compressor is several MB, so we
// don't keep one per level).
libdeflate_compressor* ThreadCompressor(int level) {
  thread_local std::unique_ptr<libdeflate_compressor, CompressorFree> c;
  thread_local int c_level = -1;
  if (!c || c_level != level) {
    c.reset(libdeflate_alloc_compressor(level));
    c_level = level;
  }
  if (!c) throw std::bad_alloc();
  return c.get();
}

uint32_t LoadLE32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

// A SequentialFile over bytes in memory; used to re-decode a failed buffer with the streaming
// decoder, which, unlike libdeflate, tells where the data went wrong.
class BufferSource : public SequentialFile {
 public:
  explicit BufferSource(std::string_view data) : data_(data) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    n = std::min(n, data_.size() - pos_);
    std::memcpy(scratch, data_.data() + pos_, n);
    pos_ += n;
    return std::string_view(scratch, n);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Called when libdeflate rejected the member starting at `member_start`: finds the failing offset
// with the streaming decoder. Error path only, so decoding everything again is fine.
Status Diagnose(std::string_view gz, size_t member_start, std::string_view name, int lib_result) {
  BufferSource source(gz);
  GzipStreamReader reader(&source, std::string(name));
  while (true) {
    Result<std::string_view> chunk = reader.Next();
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) break;
  }
  // The streaming decoder accepted what libdeflate did not; report what we know.
  return Status::DataLoss(
      fmt::format("{}: gzip member at byte {} could not be decoded (libdeflate error {})", name,
                  member_start, lib_result));
}

}  // namespace

bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<std::string> Inflate(std::string_view gz, std::string_view name) {
  if (!IsGzip(gz)) {
    return Status::InvalidArgument(
        fmt::format("{}: not gzip data (no 1f 8b magic at byte 0)", name));
  }
  libdeflate_decompressor* d = ThreadDecompressor();
  if (d == nullptr) return Status::ResourceExhausted(fmt::format("{}: gzip: out of memory", name));

  // The last four bytes are the size (mod 2^32) of the last member's output: exact for the usual
  // single member, so the output is allocated once.
  const size_t max_total = gz.size() * kMaxDeflateRatio + kMinOutput;
  size_t hint = gz.size() >= 18 ? LoadLE32(gz.data() + gz.size() - 4) : 0;
  std::string out;
  out.reserve(std::min(hint, max_total) + kOutputSlack);
  out.resize(std::min(hint, max_total));

  size_t in_pos = 0;
  size_t out_pos = 0;
  while (in_pos < gz.size()) {
    if (!IsGzip(gz.substr(in_pos))) {
      return Status::DataLoss(fmt::format(
          "{}: gzip: trailing garbage at byte {} (not the start of another gzip member)", name,
          in_pos));
    }
    size_t in_used = 0;
    size_t out_got = 0;
    libdeflate_result r = libdeflate_gzip_decompress_ex(d, gz.data() + in_pos, gz.size() - in_pos,
                                                        out.data() + out_pos, out.size() - out_pos,
                                                        &in_used, &out_got);
    if (r == LIBDEFLATE_SUCCESS) {
      in_pos += in_used;
      out_pos += out_got;
      continue;
    }
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
      const size_t remaining_in = gz.size() - in_pos;
      const size_t cap = out_pos + remaining_in * kMaxDeflateRatio + kMinOutput;
      if (out.size() < cap) {
        size_t want = std::max({out.size() * 2, out_pos + remaining_in * 4, kMinOutput});
        out.resize(std::min(want, cap));
        continue;  // decode this member again into the larger buffer
      }
    }
    return Diagnose(gz, in_pos, name, static_cast<int>(r));
  }
  out.resize(out_pos);
  if (out.capacity() - out.size() > out.size() / 4 + kMinOutput) out.shrink_to_fit();
  return out;
}

Result<std::string> MaybeInflate(std::string_view bytes, std::string_view name) {
  if (IsGzip(bytes)) return Inflate(bytes, name);
  return std::string(bytes);
}

std::string Deflate(std::string_view data, int level) {
  level = std::clamp(level, 0, 12);
  libdeflate_compressor* c = ThreadCompressor(level);
  std::string out;
  out.resize(libdeflate_gzip_compress_bound(c, data.size()));
  size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  CAIRN_CHECK(n != 0);  // the bound is always enough
  out.resize(n);
  return out;
}

// ISA-L's portable histogram kernel. igzip_lib.h declares only the dispatching
// isal_update_histogram, whose SIMD kernels may hash (and so count) differently; the codes must
// not depend on the CPU, so we call the C kernel the library exports beside them.
extern "C" void isal_update_histogram_base(uint8_t* start_stream, int length,
                                           struct isal_huff_histogram* histogram);

struct DeflateCodes::Tables : isal_hufftables {};

DeflateCodes::DeflateCodes() : tables_(new Tables()) {}
DeflateCodes::~DeflateCodes() = default;

std::shared_ptr<const DeflateCodes> DeflateCodes::FromSample(std::string_view sample) {
  auto histogram = std::make_unique<isal_huff_histogram>();
  std::memset(histogram.get(), 0, sizeof(*histogram));
  // The kernel takes an int length; feed it in pieces (each piece starts a fresh match window,
  // which changes nothing that matters for frequencies).
  constexpr size_t kPiece = size_t{1} << 30;
  for (size_t at = 0; at < sample.size(); at += kPiece) {
    const size_t n = std::min(kPiece, sample.size() - at);
    isal_update_histogram_base(reinterpret_cast<uint8_t*>(const_cast<char*>(sample.data() + at)),
                               static_cast<int>(n), histogram.get());
  }
  std::shared_ptr<DeflateCodes> codes(new DeflateCodes());
  // isal_create_hufftables gives every symbol a code (it counts each at least once), so it only
  // fails on a histogram it cannot encode, which counts of real data never are.
  CAIRN_CHECK(isal_create_hufftables(codes->tables_.get(), histogram.get()) == 0);
  return codes;
}

std::string DeflateFast(std::string_view data, const DeflateCodes* codes) {
  thread_local std::vector<uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
  isal_zstream s;
  isal_deflate_stateless_init(&s);
  if (codes != nullptr) {
    s.level = 0;
    s.hufftables = static_cast<isal_hufftables*>(const_cast<void*>(codes->tables()));
  } else {
    s.level = 1;
    s.level_buf = level_buf.data();
    s.level_buf_size = static_cast<uint32_t>(level_buf.size());
  }
  s.gzip_flag = IGZIP_GZIP_NO_HDR;  // the header is written below: igzip's default names no OS
  s.end_of_stream = 1;
  s.flush = NO_FLUSH;
  // Header: magic, deflate, no flags, mtime 0, no extra flags, OS 255 (unknown) as libdeflate.
  static constexpr uint8_t kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  // Data the codes suit badly can grow (a rare literal costs up to 15 bits); igzip then writes
  // stored blocks, which fit this bound. The bound is ~4x what JSON needs, so igzip writes into a
  // reused scratch buffer (not zero-filled) and only the bytes written are copied out.
  const size_t bound = sizeof(kHeader) + data.size() + data.size() / 16 + 1024;
  thread_local std::unique_ptr<uint8_t[]> scratch;
  thread_local size_t scratch_size = 0;
  if (scratch_size < bound) {
    scratch.reset(new uint8_t[bound]);
    scratch_size = bound;
  }
  std::memcpy(scratch.get(), kHeader, sizeof(kHeader));
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uint32_t>(data.size());
  s.next_out = scratch.get() + sizeof(kHeader);
  s.avail_out = static_cast<uint32_t>(std::min<size_t>(bound - sizeof(kHeader), UINT32_MAX));
  // Inputs over 4 GiB do not fit igzip's 32-bit counters; a full output buffer cannot happen with
  // the bound above, but either way libdeflate is the fallback.
  if (data.size() > UINT32_MAX / 2 || isal_deflate_stateless(&s) != COMP_OK)
    return Deflate(data, 1);
  std::string out(reinterpret_cast<const char*>(scratch.get()),
                  static_cast<size_t>(s.next_out - scratch.get()));
  // A huge input leaves a huge scratch behind: keep at most 16 MB per thread.
  if (scratch_size > (size_t{16} << 20)) {
    scratch.reset();
    scratch_size = 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// GzipStreamReader

GzipStreamReader::GzipStreamReader(SequentialFile* source, std::string name)
    : GzipStreamReader(source, std::move(name), Options()) {}

GzipStreamReader::GzipStreamReader(SequentialFile* source, std::string name, Options options)
    : source_(source), name_(std::move(name)), options_(options) {
  options_.chunk_size = std::max<size_t>(options_.chunk_size, 1);
  options_.read_size = std::max<size_t>(options_.read_size, 64);
}

GzipStreamReader::~GzipStreamReader() = default;

Status GzipStreamReader::Fail(Status s) {
  state_ = State::kError;
  error_ = std::move(s);
  return error_;
}

Status GzipStreamReader::CorruptAt(uint64_t offset, std::string_view what) {
  return Fail(Status::DataLoss(fmt::format("{}: gzip: {} at byte {}", name_, what, offset)));
}

Status GzipStreamReader::Fill(size_t n) {
  if (in_.empty()) in_.resize(options_.read_size);
  if (in_pos_ == in_end_) in_pos_ = in_end_ = 0;
  while (in_end_ - in_pos_ < n && !source_eof_) {
    if (in_end_ == in_.size()) {  // make room at the back
      std::memmove(in_.data(), in_.data() + in_pos_, in_end_ - in_pos_);
      in_end_ -= in_pos_;
      in_pos_ = 0;
    }
    char* scratch = in_.data() + in_end_;
    Result<std::string_view> got = source_->Read(in_.size() - in_end_, scratch);
    if (!got.ok()) return Fail(got.status().WithPrefix(name_));
    if (got->empty()) {
      source_eof_ = true;
      break;
    }
    if (got->data() != scratch) std::memmove(scratch, got->data(), got->size());
    in_end_ += got->size();
  }
  return Status::OK();
}

Status GzipStreamReader::StartMember() {
  // The header (RFC 1952 2.3) is read here rather than by ISA-L, whose check of the optional
  // header CRC goes wrong when the header arrives in pieces.
  uint32_t crc = 0;
  auto byte = [&](int* out) -> Status {
    if (in_pos_ == in_end_) {
      RETURN_IF_ERROR(Fill(1));
      if (in_pos_ == in_end_) {
        return CorruptAt(consumed_, "truncated stream (unexpected end of input in a header)");
      }
    }
    const uint8_t c = static_cast<uint8_t>(in_[in_pos_++]);
    ++consumed_;
    crc = crc32_gzip_refl(crc, &c, 1);
    *out = c;
    return Status::OK();
  };
  int b[10];
  for (int& x : b) RETURN_IF_ERROR(byte(&x));
  if (b[2] != 8) return CorruptAt(consumed_ - 8, "unsupported compression method");
  const int flags = b[3];
  if (flags & 0xe0) return CorruptAt(consumed_ - 7, "bad gzip header (reserved flags set)");
  int x;
  if (flags & 0x04) {  // FEXTRA: XLEN bytes
    int lo, hi;
    RETURN_IF_ERROR(byte(&lo));
    RETURN_IF_ERROR(byte(&hi));
    for (int n = lo | hi << 8; n > 0; --n) RETURN_IF_ERROR(byte(&x));
  }
  for (int field : {0x08, 0x10}) {  // FNAME, FCOMMENT: zero-terminated
    if (flags & field) {
      do {
        RETURN_IF_ERROR(byte(&x));
      } while (x != 0);
    }
  }
  if (flags & 0x02) {  // FHCRC: the low 16 bits of the CRC-32 of the header before it
    const uint32_t want = crc & 0xffff;
    int lo, hi;
    RETURN_IF_ERROR(byte(&lo));
    RETURN_IF_ERROR(byte(&hi));
    if (static_cast<uint32_t>(lo | hi << 8) != want) {
      return CorruptAt(consumed_ - 2, "header CRC mismatch");
    }
  }
  isal_inflate_reset(inflater_.get());
  inflater_->crc_flag = ISAL_GZIP_NO_HDR_VER;  // raw deflate, then CRC-32 and ISIZE verified
  state_ = State::kInMember;
  return Status::OK();
}

Result<std::string_view> GzipStreamReader::Next() {
  while (true) {
    switch (state_) {
      case State::kError:
        return error_;
      case State::kDone:
        return std::string_view();

      case State::kStart: {
        RETURN_IF_ERROR(Fill(2));
        if (IsGzip(std::string_view(in_.data() + in_pos_, in_end_ - in_pos_))) {
          inflater_ = std::make_unique<inflate_state>();
          isal_inflate_init(inflater_.get());
          RETURN_IF_ERROR(StartMember());
        } else if (options_.pass_through_if_not_gzip) {
          state_ = State::kPassThrough;
        } else {
          return Fail(
              Status::InvalidArgument(name_ + ": not gzip data (no 1f 8b magic at byte 0)"));
        }
        break;
      }

      case State::kPassThrough: {
        RETURN_IF_ERROR(Fill(1));
        size_t n = in_end_ - in_pos_;
        if (n == 0) {
          state_ = State::kDone;
          break;
        }
        std::string_view chunk(in_.data() + in_pos_, n);
        in_pos_ = in_end_;
        consumed_ += n;
        return chunk;
      }

      case State::kBetweenMembers: {
        RETURN_IF_ERROR(Fill(2));
        size_t n = in_end_ - in_pos_;
        if (n == 0) {
          state_ = State::kDone;
          break;
        }
        if (!IsGzip(std::string_view(in_.data() + in_pos_, n))) {
          return CorruptAt(consumed_, "trailing garbage (not the start of another gzip member)");
        }
        RETURN_IF_ERROR(StartMember());
        break;
      }

      case State::kInMember: {
        if (out_.size() != options_.chunk_size) out_.resize(options_.chunk_size);
        inflate_state* z = inflater_.get();
        z->next_out = reinterpret_cast<uint8_t*>(out_.data());
        z->avail_out = static_cast<uint32_t>(std::min<size_t>(out_.size(), UINT32_MAX));
        const size_t out_room = z->avail_out;
        while (z->avail_out > 0) {
          if (in_pos_ == in_end_) RETURN_IF_ERROR(Fill(1));
          const size_t avail = in_end_ - in_pos_;
          z->next_in = reinterpret_cast<uint8_t*>(in_.data() + in_pos_);
          z->avail_in = static_cast<uint32_t>(std::min<size_t>(avail, UINT32_MAX));
          const size_t offered = z->avail_in;
          const size_t room_before = z->avail_out;
          int rc = isal_inflate(z);
          const size_t used = offered - z->avail_in;
          in_pos_ += used;
          consumed_ += used;
          if (rc == ISAL_INCORRECT_CHECKSUM) {
            return CorruptAt(consumed_, "CRC-32 or ISIZE mismatch");
          }
          if (rc == ISAL_INVALID_WRAPPER || rc == ISAL_UNSUPPORTED_METHOD) {
            return CorruptAt(consumed_, "bad gzip header");
          }
          if (rc < 0) {
            return CorruptAt(consumed_, fmt::format("corrupt data (igzip error {})", rc));
          }
          if (z->block_state == ISAL_BLOCK_FINISH) {
            state_ = State::kBetweenMembers;
            break;
          }
          // No input left (Fill(1) found the end of the source) and nothing more came out.
          if (avail == 0 && z->avail_out == room_before) {
            return CorruptAt(consumed_, "truncated stream (unexpected end of input)");
          }
        }
        size_t produced = out_room - z->avail_out;
        if (produced > 0) return std::string_view(out_.data(), produced);
        break;  // an empty member ended; look for the next
      }
    }
  }
}

}  // namespace cairn::gzip
