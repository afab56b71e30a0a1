#include "store/event_fields.h"

#include <array>

namespace cairn {

int32_t StringFieldOffset(ColumnId id) {
  static const std::array<int32_t, kColumnCount> offsets = [] {
    std::array<int32_t, kColumnCount> table;
    Event probe;
    for (const ColumnDef& c : AllColumns()) {
      const Str* field = StringField(probe, c.id);
      table[static_cast<size_t>(c.id)] =
          field ? static_cast<int32_t>(reinterpret_cast<const char*>(field) -
                                       reinterpret_cast<const char*>(&probe))
                : -1;
    }
    return table;
  }();
  const size_t i = static_cast<size_t>(id);
  return i < offsets.size() ? offsets[i] : -1;
}

}  // namespace cairn
