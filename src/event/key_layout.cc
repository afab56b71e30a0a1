#include "event/key_layout.h"

#include <vector>

namespace cairn {
namespace {

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

LogFileKind KindOfFolder(std::string_view s) {
  if (s == "CloudTrail") return LogFileKind::kLog;
  if (s == "CloudTrail-Digest") return LogFileKind::kDigest;
  if (s == "CloudTrail-Insight") return LogFileKind::kInsight;
  return LogFileKind::kUnknown;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// ACCOUNT_CloudTrail[-Digest|-Insight]_REGION_YYYYMMDDTHHmm[ss]Z_...
void ParseFileName(std::string_view name, KeyLayout* k) {
  std::vector<std::string_view> parts = Split(name, '_');
  if (parts.size() < 4 || !AllDigits(parts[0], 12)) return;
  LogFileKind kind = KindOfFolder(parts[1]);
  if (kind == LogFileKind::kUnknown) return;
  k->kind = kind;
  k->account_id = std::string(parts[0]);
  k->region = std::string(parts[2]);
  // Log and Insight files: the time is part 3; digests have TRAILNAME_HOMEREGION first, so the
  // time is the last part that looks like one.
  for (size_t i = 3; i < parts.size(); ++i) {
    std::string_view t = parts[i];
    if (t.size() >= 14 && AllDigits(t.substr(0, 8), 8) && t[8] == 'T') {
      k->date = std::string(t.substr(0, 4)) + "-" + std::string(t.substr(4, 2)) + "-" +
                std::string(t.substr(6, 2));
    }
  }
}

}  // namespace

std::string_view LogFileKindName(LogFileKind kind) {
  switch (kind) {
    case LogFileKind::kUnknown:
      return "unknown";
    case LogFileKind::kLog:
      return "log";
    case LogFileKind::kDigest:
      return "digest";
    case LogFileKind::kInsight:
      return "insight";
  }
  return "unknown";
}

KeyLayout ParseKeyLayout(std::string_view path) {
  KeyLayout k;
  std::vector<std::string_view> parts = Split(path, '/');
  ParseFileName(parts.back(), &k);
  // The last AWSLogs/ folder starts the layout (a prefix may itself contain "AWSLogs").
  size_t at = parts.size();
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "AWSLogs") at = i;
  }
  if (at == parts.size()) return k;
  size_t i = at + 1;
  auto part = [&](size_t j) { return j + 1 < parts.size() ? parts[j] : std::string_view(); };
  if (part(i).substr(0, 2) == "o-") k.org_id = std::string(part(i++));
  if (AllDigits(part(i), 12)) k.account_id = std::string(part(i++));
  LogFileKind kind = KindOfFolder(part(i));
  if (kind == LogFileKind::kUnknown) return k;
  k.kind = kind;
  ++i;
  if (!part(i).empty()) k.region = std::string(part(i++));
  if (AllDigits(part(i), 4) && AllDigits(part(i + 1), 2) && AllDigits(part(i + 2), 2)) {
    k.date = std::string(part(i)) + "-" + std::string(part(i + 1)) + "-" + std::string(part(i + 2));
  }
  return k;
}

}  // namespace cairn
