#include "sql/exec/value_ids.h"

namespace cairn::sql {

void ValueIds::Map(const Vector& v, std::vector<uint32_t>* ids) {
  const size_t n = v.size();
  ids->resize(n);
  uint32_t* out = ids->data();
  if (IsInt64Physical(v.type())) {
    const int64_t* x = v.i64();
    // Runs of equal values are common (time-ordered events truncated to a day or an hour).
    bool have_last = false;
    int64_t last = 0;
    uint32_t last_id = 0;
    for (size_t i = 0; i < n; ++i) {
      if (v.IsNull(i)) {
        out[i] = 0;
        continue;
      }
      if (have_last && x[i] == last) {
        out[i] = last_id;
        continue;
      }
      auto [it, inserted] = ints_.try_emplace(x[i], next_);
      if (inserted) ++next_;
      out[i] = it->second;
      have_last = true;
      last = x[i];
      last_id = it->second;
    }
    return;
  }
  // A new batch: cached addresses from earlier batches may have been reused for other text.
  ++batch_;
  if (cache_.empty()) cache_.resize(kCacheSlots);
  const std::string_view* s = v.strs();
  for (size_t i = 0; i < n; ++i) {
    if (v.IsNull(i)) {
      out[i] = 0;
      continue;
    }
    const std::string_view sv = s[i];
    const uint64_t h = (reinterpret_cast<uintptr_t>(sv.data()) * 0x9E3779B97F4A7C15ull) ^ sv.size();
    Slot& slot = cache_[(h >> 20) & (kCacheSlots - 1)];
    if (slot.batch == batch_ && slot.data == sv.data() && slot.size == sv.size()) {
      out[i] = slot.id;
      continue;
    }
    auto it = strings_.find(sv);
    if (it == strings_.end()) {
      it = strings_.emplace(std::string(sv), next_++).first;
      bytes_ += sv.size();
    }
    slot = Slot{sv.data(), static_cast<uint32_t>(sv.size()), it->second, batch_};
    out[i] = it->second;
  }
}

}  // namespace cairn::sql
