// src/store/manifest.cc
//
// MANIFEST file (one per store, replaced atomically as a whole):
//   manifest := magic:"CAIRNMAN" version:fixed32 body_length:fixed32 body[body_length] crc:fixed32
//   crc      := crc32c of every byte before it (magic through body)
//   body     := field*
//   field    := tag:varint32 length:varint32 value[length]
//   tag 1  sequence          value = varint64                      required
//   tag 2  store id          value = the id's bytes                optional (default "")
//   tag 3  kind              value = the kind's bytes              optional (default "")
//   tag 4  retention days    value = varint32 (7..3653)            required
//   tag 5  next file number  value = varint64                      required
//   tag 6  log number        value = varint64                      required
//   tag 7  segment           value = segment, once per live segment, in list order
//   tag 8  retention floor   value = zigzag64 (microseconds)       optional (default none)
//   segment  := number:varint64 event_count:varint64 min_time_us:zigzag64 max_time_us:zigzag64
//               file_bytes:varint64 raw_bytes:varint64 level:varint32 extension*
// Integers are little-endian. Readers skip fields with unknown tags and bytes after the known part
// of a segment value, so a later version can add optional data without breaking older readers; a
// change older readers must not misread bumps `version`, and this decoder keeps reading every
// version it ever wrote. See doc/format/manifest.md.
#include "store/manifest.h"

#include <fmt/format.h>

#include <charconv>

#include "common/crc32c.h"
#include "store/wire.h"

namespace cairn {
namespace {

constexpr std::string_view kMagic = "CAIRNMAN";

enum Tag : uint32_t {
  kTagSequence = 1,
  kTagStoreId = 2,
  kTagKind = 3,
  kTagRetentionDays = 4,
  kTagNextFile = 5,
  kTagLogNumber = 6,
  kTagSegment = 7,
  kTagRetentionFloor = 8,
};

void PutField(std::string* body, uint32_t tag, std::string_view value) {
  wire::PutVarint32(body, tag);
  wire::PutBytes(body, value);
}

std::string Varint(uint64_t v) {
  std::string s;
  wire::PutVarint64(&s, v);
  return s;
}

}  // namespace

Status ValidateRetentionDays(uint32_t days) {
  if (days < kMinRetentionDays || days > kMaxRetentionDays) {
    return Status::InvalidArgument(fmt::format("retention period {} days is out of range ({}..{})",
                                               days, kMinRetentionDays, kMaxRetentionDays));
  }
  return Status::OK();
}

std::string EncodeManifest(const Manifest& m) {
  std::string body;
  PutField(&body, kTagSequence, Varint(m.sequence));
  if (!m.settings.id.empty()) PutField(&body, kTagStoreId, m.settings.id);
  if (!m.settings.kind.empty()) PutField(&body, kTagKind, m.settings.kind);
  PutField(&body, kTagRetentionDays, Varint(m.settings.retention_days));
  PutField(&body, kTagNextFile, Varint(m.next_file_number));
  PutField(&body, kTagLogNumber, Varint(m.log_number));
  if (m.retention_floor_us != INT64_MIN) {
    std::string v;
    wire::PutZigzag64(&v, m.retention_floor_us);
    PutField(&body, kTagRetentionFloor, v);
  }
  std::string seg;
  for (const SegmentInfo& s : m.segments) {
    seg.clear();
    wire::PutVarint64(&seg, s.number);
    wire::PutVarint64(&seg, s.event_count);
    wire::PutZigzag64(&seg, s.min_time_us);
    wire::PutZigzag64(&seg, s.max_time_us);
    wire::PutVarint64(&seg, s.file_bytes);
    wire::PutVarint64(&seg, s.raw_bytes);
    wire::PutVarint32(&seg, s.level);
    PutField(&body, kTagSegment, seg);
  }
  std::string out(kMagic);
  wire::PutFixed32(&out, kManifestFormatVersion);
  wire::PutFixed32(&out, static_cast<uint32_t>(body.size()));
  out += body;
  wire::PutFixed32(&out, crc32c::Value(out));
  return out;
}

Result<Manifest> DecodeManifest(std::string_view bytes, std::string_view name) {
  auto bad = [&](std::string_view what) {
    return Status::DataLoss(fmt::format("{}: corrupt manifest: {}", name, what));
  };
  constexpr size_t kFixed = 8 + 4 + 4 + 4;
  if (bytes.size() < kFixed || bytes.substr(0, kMagic.size()) != kMagic) {
    return bad("bad magic or too short");
  }
  const uint32_t version = wire::DecodeFixed32(bytes.data() + 8);
  const uint32_t body_length = wire::DecodeFixed32(bytes.data() + 12);
  if (body_length != bytes.size() - kFixed) {
    return bad(
        fmt::format("body length {} does not match file size {}", body_length, bytes.size()));
  }
  const size_t crc_at = bytes.size() - 4;
  if (wire::DecodeFixed32(bytes.data() + crc_at) != crc32c::Value(bytes.substr(0, crc_at))) {
    return bad("checksum mismatch");
  }
  if (version == 0 || version > kManifestFormatVersion) {
    return Status::DataLoss(
        fmt::format("{}: unsupported manifest format version {}", name, version));
  }
  // Version 1 is the only version so far; later versions branch here and keep this decoder.
  Manifest m;
  bool have_seq = false, have_retention = false, have_next = false, have_log = false;
  wire::WireReader in(bytes.substr(16, body_length));
  while (in.ok() && !in.done()) {
    const uint32_t tag = in.Varint32();
    std::string_view value = in.Bytes();
    if (!in.ok()) break;
    wire::WireReader v(value);
    switch (tag) {
      case kTagSequence:
        m.sequence = v.Varint64();
        have_seq = true;
        break;
      case kTagStoreId:
        m.settings.id = std::string(value);
        break;
      case kTagKind:
        m.settings.kind = std::string(value);
        break;
      case kTagRetentionDays:
        m.settings.retention_days = v.Varint32();
        have_retention = true;
        break;
      case kTagNextFile:
        m.next_file_number = v.Varint64();
        have_next = true;
        break;
      case kTagLogNumber:
        m.log_number = v.Varint64();
        have_log = true;
        break;
      case kTagRetentionFloor:
        m.retention_floor_us = v.Zigzag64();
        break;
      case kTagSegment: {
        SegmentInfo s;
        s.number = v.Varint64();
        s.event_count = v.Varint64();
        s.min_time_us = v.Zigzag64();
        s.max_time_us = v.Zigzag64();
        s.file_bytes = v.Varint64();
        s.raw_bytes = v.Varint64();
        s.level = v.Varint32();
        m.segments.push_back(s);
        break;
      }
      default:
        break;  // a field added by a later version: skipped
    }
    if (!v.ok()) return bad(fmt::format("field with tag {} is malformed", tag));
  }
  if (!in.ok()) return bad("truncated field");
  if (!have_seq || !have_retention || !have_next || !have_log)
    return bad("a required field is missing");
  for (const SegmentInfo& s : m.segments) {
    if (s.number >= m.next_file_number) {
      return bad(fmt::format("segment {} is not below the next file number {}", s.number,
                             m.next_file_number));
    }
  }
  return m;
}

std::string SegmentFileName(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06llu.seg", static_cast<unsigned long long>(number));
  return buf;
}

bool ParseSegmentFileName(std::string_view name, uint64_t* number) {
  constexpr std::string_view kSuffix = ".seg";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  std::string_view digits = name.substr(0, name.size() - kSuffix.size());
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *number);
  return ec == std::errc() && p == digits.data() + digits.size();
}

}  // namespace cairn
