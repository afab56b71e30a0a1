#include "store/retention.h"

namespace cairn {

std::vector<size_t> ExpiredSegments(std::span<const SegmentInfo> segments, int64_t cutoff_us) {
  std::vector<size_t> out;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (SegmentExpired(segments[i], cutoff_us)) out.push_back(i);
  }
  return out;
}

}  // namespace cairn
