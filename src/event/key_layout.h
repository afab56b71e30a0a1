// src/event/key_layout.h
//
// What a CloudTrail S3 object key (or a local path mirroring one) says about its file, per spec
// trails.md §8.1:
//   [PREFIX/]AWSLogs/[O-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_..._UNIQUE.json.gz
// with CloudTrail-Digest and CloudTrail-Insight in place of CloudTrail for digest and Insights
// files. The account, region and date are hints only (files are foldered by delivery time; the
// records are authoritative, spec P7/P9). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cairn {

enum class LogFileKind {
  kUnknown,  // no CloudTrail layout recognised (any JSON file)
  kLog,      // .../CloudTrail/... or ACCOUNT_CloudTrail_REGION_...
  kDigest,   // .../CloudTrail-Digest/... or ..._CloudTrail-Digest_...
  kInsight,  // .../CloudTrail-Insight/... or ..._CloudTrail-Insight_...
};

struct KeyLayout {
  LogFileKind kind = LogFileKind::kUnknown;
  std::string org_id;      // "o-..." for organization trails, else empty
  std::string account_id;  // 12 digits, or empty
  std::string region;      // as written, not validated (made-up regions are valid input)
  std::string date;        // delivery date "YYYY-MM-DD", or empty
};

// Parses `path` ('/'-separated). Tolerant: whatever parts are recognised are filled in; the rest
// stays empty. The folder layout wins over the file name; the file name alone is used when the
// path has no AWSLogs/ folder.
KeyLayout ParseKeyLayout(std::string_view path);

std::string_view LogFileKindName(LogFileKind kind);

}  // namespace cairn
