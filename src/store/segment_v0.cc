#include "store/segment_v0.h"

#include "store/columns.h"
#include "store/segment_coding.h"

namespace cairn::segment::v0 {
namespace {

void PutStr(std::string* out, Str s) {
  if (IsNull(s)) {
    PutVarint(out, 0);
    return;
  }
  PutVarint(out, s.size() + 1);
  out->append(s.data(), s.size());
}

Str GetStr(Decoder* d) {
  uint64_t n = d->Varint();
  if (n == 0) return Str();
  std::string_view s = d->Bytes(n - 1);
  return d->ok() ? Str(s.data() ? s.data() : "", s.size()) : Str();
}

}  // namespace

void EncodeRow(const Event& e, const EventBatch& batch, std::string* out) {
  out->push_back(e.user_identity.present ? 1 : 0);
  for (const ColumnDef& c : AllColumns()) {
    if (!c.stored || c.list_child || c.id == ColumnId::kUsername) continue;
    switch (c.type) {
      case ColumnType::kString:
      case ColumnType::kMap: PutStr(out, *StringField(e, c.id)); break;
      case ColumnType::kTimestamp: PutSignedVarint(out, TimestampField(e, c.id)); break;
      case ColumnType::kBool: out->push_back(static_cast<char>(static_cast<int>(BoolField(e, c.id)) + 1)); break;
    }
  }
  auto resources = batch.ResourcesOf(e);
  PutVarint(out, resources.size());
  for (const Resource& r : resources) {
    PutStr(out, r.arn);
    PutStr(out, r.account_id);
    PutStr(out, r.type);
  }
}

bool DecodeRow(std::string_view* in, EventBatch* batch) {
  Decoder d(*in);
  Event e;
  e.user_identity.present = d.U8() != 0;
  for (const ColumnDef& c : AllColumns()) {
    if (!c.stored || c.list_child || c.id == ColumnId::kUsername) continue;
    switch (c.type) {
      case ColumnType::kString:
      case ColumnType::kMap: *MutableStringField(&e, c.id) = GetStr(&d); break;
      case ColumnType::kTimestamp: *MutableTimestampField(&e, c.id) = d.SignedVarint(); break;
      case ColumnType::kBool: {
        int v = static_cast<int>(d.U8()) - 1;
        if (v < -1 || v > 1) return false;
        *MutableBoolField(&e, c.id) = static_cast<OptBool>(v);
        break;
      }
    }
  }
  uint64_t n = d.Varint();
  if (!d.ok() || n > d.remaining()) return false;
  e.resources_begin = static_cast<uint32_t>(batch->resources.size());
  e.resources_count = static_cast<uint32_t>(n);
  for (uint64_t i = 0; i < n; ++i) {
    Resource r;
    r.arn = GetStr(&d);
    r.account_id = GetStr(&d);
    r.type = GetStr(&d);
    batch->resources.push_back(r);
  }
  if (!d.ok()) {
    batch->resources.resize(e.resources_begin);
    return false;
  }
  in->remove_prefix(in->size() - d.remaining());
  batch->events.push_back(e);
  return true;
}

}  // namespace cairn::segment::v0
