// src/store/segment_test_util.h
//
// Test helpers for segment tests: a generator of random events that exercises every column (NULLs,
// empty strings, unicode, escapes, big JSON values, resources lists) with a raw record that
// contains the field values. Test-only; header-only so that it never ends up in the library.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/env.h"
#include "event/event.h"
#include "store/columns.h"
#include "store/segment_writer.h"

namespace cairn::segment_testing {

// Replaces the contents of `path` in `env` (for corruption tests).
inline void OverwriteFile(Env* env, const std::string& path, std::string_view data) {
  auto f = env->NewWritableFile(path);
  if (f.ok()) {
    (*f)->Append(data).IgnoreError();
    (*f)->Close().IgnoreError();
  }
}

inline void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned char>(c));
      out->append(b);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// Builds random events. Values come from small pools (to exercise dictionaries) or are fresh
// (to exercise plain encodings). Every call to Make* appends to `batch`.
class RandomEvents {
 public:
  explicit RandomEvents(uint64_t seed) : rng_(seed) {}

  std::string RandomString(size_t max_len) {
    static const char* kPieces[] = {"a", "b", "Z",  "0",  "-",  ":", "/", "é",        "日本",
                                    "😀", " ", "\"", "\\", "\n", "x", "y", "arn:aws:", "\t"};
    std::string s;
    size_t n = rng_() % (max_len + 1);
    for (size_t i = 0; i < n; ++i) s += kPieces[rng_() % (sizeof kPieces / sizeof kPieces[0])];
    return s;
  }

  // A value for column `c`: NULL sometimes, empty sometimes, a pool value or a fresh one.
  Str Value(EventBatch* batch, ColumnId c) {
    uint32_t r = rng_() % 100;
    if (r < 15) return Str();
    if (r < 18) return batch->Copy(Str("", 0));
    const ColumnDef& def = GetColumn(c);
    if (def.type == ColumnType::kMap) {
      std::string json = "{";
      int keys = rng_() % 4;
      if (rng_() % 50 == 0) keys = 300;  // a big one
      for (int k = 0; k < keys; ++k) {
        if (k) json += ",";
        AppendJsonString(&json, "k" + std::to_string(k));
        json += ":";
        AppendJsonString(&json, RandomString(12));
      }
      json += "}";
      return batch->Copy(json);
    }
    if (def.low_cardinality || r < 60) {
      return batch->Copy(std::string(def.name.substr(0, 3)) + std::to_string(rng_() % 7));
    }
    if (c == ColumnId::kEventId || c == ColumnId::kRequestId) {
      char b[40];
      snprintf(b, sizeof b, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(rng_()),
               static_cast<unsigned>(rng_() & 0xFFFF), static_cast<unsigned>(rng_() & 0xFFFF),
               static_cast<unsigned>(rng_() & 0xFFFF),
               static_cast<unsigned long long>(rng_() & 0xFFFFFFFFFFFFull));
      return batch->Copy(b);
    }
    return batch->Copy(RandomString(20));
  }

  // Appends `n` events with increasing eventTime starting at `t0` (steps of 0..3 seconds). As the
  // parser does, string fields point into the record (Event::raw) where the record holds them
  // without escapes, and into the batch's arena otherwise.
  void Make(EventBatch* batch, size_t n, int64_t t0 = 1735689600000000) {
    int64_t t = t0;
    for (size_t i = 0; i < n; ++i) {
      Event e;
      t += static_cast<int64_t>(rng_() % 4) * 1000000;
      e.event_time_us = t;
      e.user_identity.present = rng_() % 10 != 0;
      for (const ColumnDef& c : AllColumns()) {
        if (!c.stored || c.list_child || c.id == ColumnId::kUsername ||
            c.id == ColumnId::kEventJson)
          continue;
        if (c.type == ColumnType::kString || c.type == ColumnType::kMap) {
          *MutableStringField(&e, c.id) = Value(batch, c.id);
        } else if (c.type == ColumnType::kBool) {
          *MutableBoolField(&e, c.id) = static_cast<OptBool>(static_cast<int>(rng_() % 3) - 1);
        } else if (c.id == ColumnId::kSessionCreationDate) {
          e.user_identity.creation_date_us =
              rng_() % 3 == 0 ? INT64_MIN : t - static_cast<int64_t>(rng_() % 100000) * 1000000;
        }
      }
      if (rng_() % 2) e.event_id = batch->Copy("id-" + std::to_string(next_id_++));
      e.resources_begin = static_cast<uint32_t>(batch->resources.size());
      e.resources_count = rng_() % 4;
      for (uint32_t k = 0; k < e.resources_count; ++k) {
        Resource res;
        res.arn = Value(batch, ColumnId::kResourcesArn);
        res.account_id = Value(batch, ColumnId::kResourcesAccountId);
        res.type = Value(batch, ColumnId::kResourcesType);
        batch->resources.push_back(res);
      }
      if (rng_() % 25 == 0) {
        e.raw = Str();  // hand-made events may have no record
      } else if (rng_() % 25 == 0) {
        e.raw = batch->Copy(RandomString(30));  // arbitrary bytes: nothing to cut out
      } else {
        BuildRaw(&e, batch);
      }
      batch->events.push_back(e);
    }
  }

  // Writes a JSON-like record holding the event's values and points the fields into it.
  void BuildRaw(Event* e, EventBatch* batch) {
    std::string j = "{";
    std::vector<std::pair<Str*, size_t>> at;  // field, offset of its value in j
    auto add_string = [&](Str* field) {
      Str v = *field;
      if (IsNull(v)) {
        j += "null";
        return;
      }
      std::string quoted;
      AppendJsonString(&quoted, v);
      if (quoted.size() == v.size() + 2) at.emplace_back(field, j.size() + 1);
      j += quoted;
    };
    bool first = true;
    auto key = [&](std::string_view k) {
      if (!first) j += rng_() % 5 == 0 ? ",\n  " : ",";
      first = false;
      AppendJsonString(&j, k);
      j += ":";
    };
    key("eventTime");
    char when[32] = {};
    std::time_t tt = static_cast<std::time_t>(e->event_time_us / 1000000);
    std::tm tm;
    gmtime_r(&tt, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    j += "\"";
    j += when;
    j += "\"";
    if (e->user_identity.creation_date_us != INT64_MIN && rng_() % 4) {
      key("creationDate");
      tt = static_cast<std::time_t>(e->user_identity.creation_date_us / 1000000);
      gmtime_r(&tt, &tm);
      std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      j += "\"";
      j += when;
      j += "\"";
    }
    for (const ColumnDef& c : AllColumns()) {
      if (c.list_child || !c.stored || c.id == ColumnId::kUsername || c.id == ColumnId::kEventJson)
        continue;
      if (c.type != ColumnType::kString && c.type != ColumnType::kMap) continue;
      Str* f = MutableStringField(e, c.id);
      if (IsNull(*f) && rng_() % 2) continue;
      key(c.name);
      if (c.type == ColumnType::kMap && !IsNull(*f)) {
        at.emplace_back(f, j.size());
        j.append(*f);
      } else {
        add_string(f);
      }
    }
    if (rng_() % 20 == 0) {
      key("unknownField");
      j += "\"raw\x01 byte\"";  // not valid JSON, but the record bytes must survive anyway
    }
    key("resources");
    j += "[";
    for (uint32_t k = 0; k < e->resources_count; ++k) {
      Resource& r = batch->resources[e->resources_begin + k];
      if (k) j += ",";
      j += "{\"ARN\":";
      add_string(&r.arn);
      j += ",\"accountId\":";
      add_string(&r.account_id);
      j += ",\"type\":";
      add_string(&r.type);
      j += "}";
    }
    j += "]}";
    e->raw = batch->Own(std::move(j));
    for (auto [field, offset] : at) *field = Str(e->raw.data() + offset, field->size());
  }

  // A random canonical (version 4) UUID.
  std::string Uuid() {
    char id[40];
    snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(rng_()),
             static_cast<unsigned>(rng_() & 0xFFFF), static_cast<unsigned>(rng_() & 0xFFF),
             static_cast<unsigned>(rng_() & 0xFFF),
             static_cast<unsigned long long>(rng_() & 0xFFFFFFFFFFFFull));
    return id;
  }

  // Large, similar request parameters (one of 50 buckets, a 200-499 byte key): enough bytes in a
  // few thousand events to train a zstd dictionary and fill many pages.
  std::string BigRequestParameters() {
    return "{\"bucketName\":\"bucket-" + std::to_string(rng_() % 50) + "\",\"key\":\"" +
           std::string(200 + rng_() % 300, 'k') + "\"}";
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  uint64_t next_id_ = 0;
};

inline std::vector<EventRef> RefsOf(const EventBatch& b) {
  std::vector<EventRef> refs;
  for (const Event& e : b.events) refs.push_back({&e, &b});
  return refs;
}

}  // namespace cairn::segment_testing

namespace cairn::segment_testing {

inline bool SameStr(Str a, Str b) { return IsNull(a) == IsNull(b) && a == b; }

// Describes the first difference between two events ("" when equal in every stored field).
inline std::string DiffEvents(const Event& a, const EventBatch& ab, const Event& b,
                              const EventBatch& bb) {
  if (a.user_identity.present != b.user_identity.present) return "useridentity.present";
  for (const ColumnDef& c : AllColumns()) {
    if (!c.stored || c.list_child || c.id == ColumnId::kUsername) continue;
    switch (c.type) {
      case ColumnType::kString:
      case ColumnType::kMap:
        if (!SameStr(*StringField(a, c.id), *StringField(b, c.id))) {
          return std::string(c.name) + ": '" + std::string(*StringField(a, c.id)) + "' vs '" +
                 std::string(*StringField(b, c.id)) + "'";
        }
        break;
      case ColumnType::kTimestamp:
        if (TimestampField(a, c.id) != TimestampField(b, c.id)) return std::string(c.name);
        break;
      case ColumnType::kBool:
        if (BoolField(a, c.id) != BoolField(b, c.id)) return std::string(c.name);
        break;
    }
  }
  auto ra = ab.ResourcesOf(a);
  auto rb = bb.ResourcesOf(b);
  if (ra.size() != rb.size()) return "resources count";
  for (size_t i = 0; i < ra.size(); ++i) {
    if (!SameStr(ra[i].arn, rb[i].arn) || !SameStr(ra[i].account_id, rb[i].account_id) ||
        !SameStr(ra[i].type, rb[i].type)) {
      return "resources[" + std::to_string(i) + "]";
    }
  }
  return "";
}

}  // namespace cairn::segment_testing
