// src/store/segment_v0.h
//
// PROVISIONAL row encoding of segment format version 0 (see segment_writer.cc). To be removed
// when the columnar version 1 lands.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "event/event.h"

namespace cairn::segment {

inline constexpr char kMagic[8] = {'C', 'A', 'I', 'R', 'N', 'S', 'E', 'G'};
inline constexpr char kEndMagic[8] = {'C', 'A', 'I', 'R', 'N', 'E', 'N', 'D'};
inline constexpr uint32_t kVersionV0 = 0;
inline constexpr uint32_t kDefaultBlockRows = 16384;

namespace v0 {
// Appends one row (every stored field of `e`) to `out`.
void EncodeRow(const Event& e, const EventBatch& batch, std::string* out);
// Decodes one row from `*in` (advancing it) into a new event of `batch`, with string views into
// `*in`'s memory. Returns false on malformed input.
bool DecodeRow(std::string_view* in, EventBatch* batch);
}  // namespace v0

}  // namespace cairn::segment
