// src/event/generator/generator.h
//
// `cairn generate`: writes the trail log files of a synthetic organization (organization.h) in
// CloudTrail's organization-trail S3 layout, one gzip {"Records":[...]} file per account, region
// and 5-minute window (spec/trails.md §8), optionally with injected anomalies and their manifest.
//
// Determinism: the output bytes depend only on the options (seed, sizes, end date), never on the
// thread count, the clock or the order in which threads finish: every (account, region, day) has
// its own random stream derived from the seed, and summaries add integer counters.
//
// Thread-safety: Generate may run concurrently with other calls; it uses `options.threads`
// threads of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/generator/anomalies.h"

namespace cairn::gen {

// Bumped whenever the same options start giving different records or file names, so caches of
// generated data (bench/lib/datasets.py) know to regenerate. `cairn version --format json`
// reports it. A new compressor changes the gzip bytes but not the version: the records are the
// same, and the cache fingerprints the decompressed content.
inline constexpr int kGeneratorVersion = 2;

struct GenerateOptions {
  std::string out_dir;     // files go under out_dir/AWSLogs/...
  int accounts = 3;        // the management account and accounts-1 members
  int regions = 2;         // the first `regions` of KnownRegions(); us-east-1 is first
  int days = 2;            // days of activity: the span is [end - days * 86400, end)
  uint64_t events = 5000;  // expected number of records, anomalies excluded
  uint64_t seed = 1;
  bool anomalies = false;  // inject anomalies and write out_dir/anomalies.json
  int64_t end = 0;         // end of the span (exclusive), seconds since the epoch, UTC;
                           // rounded down to a multiple of 5 minutes
  int threads = 2;
  // 0: fastest (gzip::DeflateFast, ISA-L igzip level 0 with Huffman codes built once per run
  // from a sample of its own records); 1..9: libdeflate at that level (6: ~20% smaller files
  // than 0, ~4x the compression time).
  int gzip_level = 0;
  // Called from worker threads, serialized, at most ~100 times: units done, units total, records
  // written so far.
  std::function<void(uint64_t, uint64_t, uint64_t)> progress;
};

struct GenerateSummary {
  std::string organization_id;
  std::vector<std::pair<std::string, std::string>> accounts;  // (id, name), management first
  std::vector<std::string> regions;
  int64_t start = 0, end = 0;  // span [start, end), seconds since the epoch
  uint64_t files = 0, records = 0, errors = 0, anomaly_records = 0;
  uint64_t json_bytes = 0, gzip_bytes = 0;
  std::map<std::string, uint64_t> by_category;  // "Management", "Data"
  std::map<std::string, uint64_t> by_source;    // eventSource -> records
  std::map<std::string, uint64_t> by_type;      // eventType -> records
  std::vector<Anomaly> anomalies;
};

// Writes the dataset into `options.out_dir` through `env`. Fails with kInvalidArgument on bad
// options, or with the Env's error (naming the file) if a write fails; files written before the
// failure are left in place.
Result<GenerateSummary> Generate(Env* env, const GenerateOptions& options);

}  // namespace cairn::gen
