// src/store/segment_test_util.h
//
// Test helpers for segment tests: a minimal in-memory Env (until common's MemEnv is on main) and a
// generator of random events that exercises every column (NULLs, empty strings, unicode, escapes,
// big JSON values, resources lists) with a raw record that contains the field values.
// Test-only; header-only so that it never ends up in the library.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "common/env.h"
#include "event/event.h"
#include "store/columns.h"
#include "store/segment_writer.h"

namespace cairn::segment_testing {

// Files live in a map; everything else is unimplemented or trivial.
class TestEnv : public Env {
 public:
  std::map<std::string, std::shared_ptr<std::string>> files;
  std::mutex mu;

  class File : public WritableFile {
   public:
    explicit File(std::shared_ptr<std::string> d) : d_(std::move(d)) {}
    Status Append(std::string_view data) override { d_->append(data); return Status::OK(); }
    Status Flush() override { return Status::OK(); }
    Status Sync() override { return Status::OK(); }
    Status Close() override { return Status::OK(); }
    uint64_t Size() const override { return d_->size(); }
   private:
    std::shared_ptr<std::string> d_;
  };
  class RFile : public RandomAccessFile {
   public:
    explicit RFile(std::shared_ptr<std::string> d) : d_(std::move(d)) {}
    Result<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const override {
      if (offset > d_->size()) return std::string_view();
      n = std::min<uint64_t>(n, d_->size() - offset);
      std::memcpy(scratch, d_->data() + offset, n);
      return std::string_view(scratch, n);
    }
    uint64_t Size() const override { return d_->size(); }
   private:
    std::shared_ptr<std::string> d_;
  };

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu);
    auto d = std::make_shared<std::string>();
    files[path] = d;
    return std::unique_ptr<WritableFile>(new File(d));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu);
    auto& d = files[path];
    if (!d) d = std::make_shared<std::string>();
    return std::unique_ptr<WritableFile>(new File(d));
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return Status::Unimplemented(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu);
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path + ": no such file");
    return std::unique_ptr<RandomAccessFile>(new RFile(it->second));
  }
  bool FileExists(const std::string& path) override { return files.count(path) > 0; }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path);
    return static_cast<uint64_t>(it->second->size());
  }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return Status::Unimplemented(dir);
  }
  bool IsDirectory(const std::string&) override { return false; }
  Status CreateDirs(const std::string&) override { return Status::OK(); }
  Status RemoveFile(const std::string& path) override { files.erase(path); return Status::OK(); }
  Status RemoveAll(const std::string&) override { return Status::OK(); }
  Status RenameFile(const std::string& from, const std::string& to) override {
    files[to] = files[from];
    files.erase(from);
    return Status::OK();
  }
  Status SyncDir(const std::string&) override { return Status::OK(); }
  int64_t NowMicros() override { return 0; }
  std::string& Contents(const std::string& path) { return *files.at(path); }
};

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
    static const char* kPieces[] = {"a", "b", "Z", "0", "-", ":", "/", "é", "日本", "😀", " ", "\"",
                                    "\\", "\n", "x", "y", "arn:aws:", "\t"};
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

  // Appends `n` events with increasing eventTime starting at `t0` (steps of 0..3 seconds).
  void Make(EventBatch* batch, size_t n, int64_t t0 = 1735689600000000) {
    int64_t t = t0;
    for (size_t i = 0; i < n; ++i) {
      Event e;
      t += static_cast<int64_t>(rng_() % 4) * 1000000;
      e.event_time_us = t;
      e.user_identity.present = rng_() % 10 != 0;
      for (const ColumnDef& c : AllColumns()) {
        if (!c.stored || c.list_child || c.id == ColumnId::kUsername || c.id == ColumnId::kEventJson)
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
      if (e.event_id.empty() && rng_() % 2) e.event_id = batch->Copy("id-" + std::to_string(i));
      e.resources_begin = static_cast<uint32_t>(batch->resources.size());
      e.resources_count = rng_() % 4;
      for (uint32_t k = 0; k < e.resources_count; ++k) {
        Resource res;
        res.arn = Value(batch, ColumnId::kResourcesArn);
        res.account_id = Value(batch, ColumnId::kResourcesAccountId);
        res.type = Value(batch, ColumnId::kResourcesType);
        batch->resources.push_back(res);
      }
      e.raw = batch->Own(RawJson(e, *batch));
      batch->events.push_back(e);
    }
  }

  // A JSON-like record holding the event's values (so that raw shares bytes with the columns).
  std::string RawJson(const Event& e, const EventBatch& batch) {
    std::string j = "{";
    bool first = true;
    for (const ColumnDef& c : AllColumns()) {
      if (c.list_child || !c.stored || c.id == ColumnId::kUsername || c.id == ColumnId::kEventJson)
        continue;
      if (c.type != ColumnType::kString && c.type != ColumnType::kMap) continue;
      Str v = *StringField(e, c.id);
      if (IsNull(v) && rng_() % 2) continue;
      if (!first) j += rng_() % 5 == 0 ? ",\n  " : ",";
      first = false;
      AppendJsonString(&j, c.name);
      j += ":";
      if (IsNull(v)) {
        j += "null";
      } else if (c.type == ColumnType::kMap) {
        j.append(v);
      } else {
        AppendJsonString(&j, v);
      }
    }
    j += ",\"resources\":[";
    for (const Resource& r : batch.ResourcesOf(e)) {
      j += "{\"ARN\":";
      IsNull(r.arn) ? j += "null" : (AppendJsonString(&j, r.arn), j);
      j += ",\"type\":";
      IsNull(r.type) ? j += "null" : (AppendJsonString(&j, r.type), j);
      j += "},";
    }
    j += "]}";
    return j;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
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
