// src/event/generator/record_writer.h
//
// RecordWriter turns "this identity called this API at this time" into one CloudTrail record,
// appended as compact JSON to a caller's buffer. Fields come in the order of AWS samples
// (spec/cloudtrail-events.md §1); eventType, eventCategory, managementEvent and readOnly follow
// the API (§6); values come from the catalogue's templates, resolved once per record.
//
// It reuses its buffers between records: after warm-up, writing a record allocates nothing.
//
// Thread-safety: a RecordWriter is used by one thread; the Organization it reads is shared.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "event/generator/api_catalog.h"
#include "event/generator/organization.h"
#include "event/generator/rng.h"
#include "event/generator/vars.h"

namespace cairn::gen {

// What to write.
struct RecordSpec {
  int account = 0;  // index into Organization::accounts
  int region = 0;   // index into Organization::regions
  const Api* api = nullptr;
  const Identity* identity = nullptr;
  int64_t time = 0;             // eventTime, seconds since the epoch
  std::string_view invoked_by;  // for AWSService and service-event identities
  // Error: -1 none, -2 pick by the API's error rate, else index into api->error_kinds.
  int error = -2;
};

// What was written, for summaries.
struct RecordFacts {
  bool error = false;
};

class RecordWriter {
 public:
  explicit RecordWriter(const Organization& org) : org_(org) {}

  // Appends the record (a JSON object, no separator) to `out`.
  // REQUIRES: spec.api and spec.identity are set; spec.account/region are valid indexes.
  void Write(const RecordSpec& spec, Rng& rng, std::string* out, RecordFacts* facts);

 private:
  std::string_view Resolve(Var v);
  std::string_view Compute(Var v, std::string* b);
  void Render(const Template& t, std::string* out) {
    t.Render([this](Var v) { return Resolve(v); }, out);
  }
  void PickRole();
  void PickBucket();

  const Organization& org_;
  // Per record.
  const RecordSpec* spec_ = nullptr;
  const Account* acct_ = nullptr;
  const RegionPools* pools_ = nullptr;
  Rng* rng_ = nullptr;
  std::string_view ip_;
  size_t bucket_index_ = 0;
  bool log_bucket_ = false;
  // Variable cache: values_[v] is valid when stamps_[v] == stamp_.
  uint32_t stamp_ = 0;
  std::array<uint32_t, kVarCount> stamps_{};
  std::array<std::string_view, kVarCount> values_{};
  std::array<std::string, kVarCount> buffers_;
  std::string scratch_;
};

}  // namespace cairn::gen
