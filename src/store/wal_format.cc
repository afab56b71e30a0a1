#include "store/wal_format.h"

#include <charconv>

#include "common/crc32c.h"
#include "common/status.h"
#include "store/wire.h"

namespace cairn::wal {

uint32_t RecordCrc(RecordType type, std::string_view payload) {
  const char t = static_cast<char>(type);
  return crc32c::Extend(crc32c::Value(std::string_view(&t, 1)), payload);
}

size_t BeginRecord(std::string* out) {
  size_t start = out->size();
  out->append(kHeaderSize, '\0');
  return start;
}

void FinishRecord(std::string* out, size_t start, RecordType type) {
  const size_t payload_start = start + kHeaderSize;
  CAIRN_CHECK(out->size() >= payload_start);
  const size_t n = out->size() - payload_start;
  CAIRN_CHECK(n <= kMaxPayload);
  std::string_view payload(out->data() + payload_start, n);
  char* h = out->data() + start;
  wire::EncodeFixed32(h, static_cast<uint32_t>(n));
  wire::EncodeFixed32(h + 4, RecordCrc(type, payload));
  h[8] = static_cast<char>(type);
}

void AppendRecord(std::string* out, RecordType type, std::string_view payload) {
  size_t start = BeginRecord(out);
  out->append(payload.data(), payload.size());
  FinishRecord(out, start, type);
}

std::string FileName(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%06llu.log", static_cast<unsigned long long>(number));
  return buf;
}

bool ParseFileName(std::string_view name, uint64_t* number) {
  constexpr std::string_view kSuffix = ".log";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  std::string_view digits = name.substr(0, name.size() - kSuffix.size());
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *number);
  return ec == std::errc() && p == digits.data() + digits.size();
}

}  // namespace cairn::wal
