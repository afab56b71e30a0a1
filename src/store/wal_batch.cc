// src/store/wal_batch.cc
//
// WAL batch payload (the payload of a kBatch record, see wal_writer.cc):
//   batch  := count:varint32 event*count
//   event  := event_time_us:zigzag64 flags:uint8 [event_id:bytes] raw:bytes
//   flags  := bit 0: event_id follows (the parsed eventID is not a slice of raw: synthesised,
//                    or unescaped)
//             bit 1: the event has no eventID (NULL); event_id does not follow
//             other bits zero
//   bytes  := length:varint64 byte[length]
// See doc/format/wal.md.
#include "store/wal_batch.h"

#include <fmt/format.h>

#include "store/wire.h"

namespace cairn::wal {
namespace {

constexpr uint8_t kFlagEventId = 1;
constexpr uint8_t kFlagNullEventId = 2;

bool IsSliceOf(Str part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

void EncodeBatch(std::span<const Event> events, std::string* out) {
  size_t bytes = 8;
  for (const Event& e : events) bytes += e.raw.size() + 16;
  out->reserve(out->size() + bytes);
  wire::PutVarint32(out, static_cast<uint32_t>(events.size()));
  for (const Event& e : events) {
    wire::PutZigzag64(out, e.event_time_us);
    if (IsNull(e.event_id)) {
      out->push_back(static_cast<char>(kFlagNullEventId));
    } else if (IsSliceOf(e.event_id, e.raw)) {
      out->push_back('\0');
    } else {
      out->push_back(static_cast<char>(kFlagEventId));
      wire::PutBytes(out, e.event_id);
    }
    wire::PutBytes(out, e.raw);
  }
}

Status DecodeBatch(std::string_view payload, std::string_view where,
                   const std::function<Status(const WalEvent&)>& fn) {
  wire::WireReader in(payload);
  const uint32_t count = in.Varint32();
  for (uint32_t i = 0; i < count && in.ok(); ++i) {
    WalEvent ev;
    ev.event_time_us = in.Zigzag64();
    const uint8_t flags = in.Byte();
    if ((flags & ~(kFlagEventId | kFlagNullEventId)) != 0 ||
        flags == (kFlagEventId | kFlagNullEventId)) {
      return Status::DataLoss(fmt::format("{}: event {}: bad flags {:#x}", where, i, flags));
    }
    ev.has_event_id = flags != 0;
    ev.event_id = Str();
    if (flags & kFlagEventId) {
      std::string_view id = in.Bytes();
      ev.event_id = Str(id.data() ? id.data() : "", id.size());
    }
    ev.raw = in.Bytes();
    if (!in.ok()) break;
    RETURN_IF_ERROR(fn(ev));
  }
  if (!in.ok() || !in.done()) {
    return Status::DataLoss(fmt::format("{}: malformed batch payload", where));
  }
  return Status::OK();
}

}  // namespace cairn::wal
