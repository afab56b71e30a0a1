// src/common/json_writer.h
//
// JsonWriter appends one JSON document (or a sequence of them) to a std::string. It is the one way
// cairn writes JSON: API responses (LookupEvents, ...), `--format json` on the CLI, NDJSON output.
//
// Commas and colons are placed automatically; the caller only says what comes next:
//
//   std::string out;
//   JsonWriter w(&out);
//   w.BeginObject().Key("Events").BeginArray().String("a\"b").Int(-3).EndArray().EndObject();
//   // out == R"({"Events":["a\"b",-3]})"
//
// Strings: valid UTF-8 passes through unchanged (no \uXXXX for non-ASCII); '"', '\\' and the
// control characters U+0000..U+001F are escaped (\n, \t, ... or \u00XX); every byte that is not
// part of a valid UTF-8 sequence (stray continuation bytes, overlong forms, surrogates, code points
// above U+10FFFF, truncated sequences) becomes U+FFFD, so the output is always valid UTF-8 JSON.
// Numbers: integers exactly; doubles in the shortest form that reads back to the same value;
// NaN and infinities, which JSON cannot hold, are written as null.
// Raw(): inserts JSON text verbatim (the caller guarantees it is one valid JSON value), for
// example an event's exact original bytes.
//
// Misuse (a value where a key is required, EndObject inside an array, ...) is a programmer error:
// it is caught by CAIRN_DCHECK in debug builds; release builds write what was asked.
//
// Thread-safety: a JsonWriter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

class JsonWriter {
 public:
  // Appends to `*out`, which must outlive the writer. `indent` > 0 pretty-prints with that many
  // spaces per level (newlines between members); 0 writes compact JSON.
  explicit JsonWriter(std::string* out, int indent = 0) : out_(out), indent_(indent) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // REQUIRES: directly inside an object, and the previous member is complete.
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Inserts `json`, one complete JSON value, as is.
  JsonWriter& Raw(std::string_view json);
  // Makes room for `bytes` more output (a hint: writers that know their size avoid regrowing).
  void Reserve(size_t bytes) { out_->reserve(out_->size() + bytes); }

  // Key/value shorthands.
  JsonWriter& Member(std::string_view key, std::string_view s) { return Key(key).String(s); }
  JsonWriter& Member(std::string_view key, const char* s) { return Key(key).String(s); }
  JsonWriter& Member(std::string_view key, int64_t v) { return Key(key).Int(v); }
  JsonWriter& Member(std::string_view key, int v) { return Key(key).Int(v); }
  JsonWriter& Member(std::string_view key, uint64_t v) { return Key(key).Uint(v); }
  JsonWriter& Member(std::string_view key, double v) { return Key(key).Double(v); }
  JsonWriter& Member(std::string_view key, bool v) { return Key(key).Bool(v); }

  // True when every object and array opened has been closed (a whole value has been written, or
  // nothing yet). Writing several top-level values in a row is allowed (each goes on the output as
  // is; NDJSON writers add the '\n' themselves).
  bool complete() const { return stack_.empty(); }

  // Appends `s` to `*out` as a JSON string literal, quotes included (the escaping described above).
  static void AppendString(std::string* out, std::string_view s);

 private:
  struct Level {
    bool is_object;
    bool empty = true;
    bool after_key = false;  // objects: a key was written, its value is next
  };
  // Writes the separator and indentation that must precede a value (or a key) at this point.
  void BeforeValue();
  void NewlineAndIndent(size_t depth);

  std::string* out_;
  int indent_;
  std::vector<Level> stack_;
};

}  // namespace cairn
