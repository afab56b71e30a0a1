// src/store/event_fields.h
//
// Direct access to the string members of an Event by catalog column, for loops that visit every
// column of every row (the segment writer's passes, record skeletons). StringField (columns.h)
// answers through a switch and a call per column and row; these answer with one load, from a
// table of byte offsets built once.
//
// Thread-safety: the table is built on first use (a function-local static) and then immutable.
#pragma once

#include <cstdint>

#include "event/event.h"
#include "store/columns.h"

namespace cairn {

// Byte offset, inside Event, of the Str member behind column `id` (what StringField returns), or
// -1 when StringField returns nullptr for it (list children, kUsername, non-string columns).
int32_t StringFieldOffset(ColumnId id);

// The member at `offset` of `e`. REQUIRES: offset came from StringFieldOffset and is not -1.
inline Str StringAtOffset(const Event& e, int32_t offset) {
  return *reinterpret_cast<const Str*>(reinterpret_cast<const char*>(&e) + offset);
}

}  // namespace cairn
