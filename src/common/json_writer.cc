#include "common/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/status.h"

namespace cairn {
namespace {

// Byte classes for string escaping: 0 = copied as is, 1 = escaped, 2 = starts a multi-byte
// UTF-8 sequence (or is invalid) and must be validated.
constexpr uint8_t kClassCopy = 0, kClassEscape = 1, kClassUtf8 = 2;

struct ByteClasses {
  uint8_t c[256];
  constexpr ByteClasses() : c{} {
    for (int i = 0; i < 256; ++i) {
      c[i] = i < 0x20 ? kClassEscape : i < 0x80 ? kClassCopy : kClassUtf8;
    }
    c[static_cast<int>('"')] = kClassEscape;
    c[static_cast<int>('\\')] = kClassEscape;
  }
};
constexpr ByteClasses kClasses;

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Returns the length of the valid UTF-8 sequence starting at s[0] (a byte >= 0x80), or 0 if
// invalid; in that case `*skip` is how many bytes form the maximal invalid subpart (Unicode's
// recommended practice: one U+FFFD per maximal subpart).
size_t Utf8SequenceLength(const unsigned char* s, size_t avail, size_t* skip) {
  unsigned char c = s[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *skip = 1;
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    if (k >= avail) {
      *skip = k;
      return 0;
    }
    unsigned char b = s[k];
    bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) {
      *skip = k;
      return 0;
    }
  }
  return n;
}

}  // namespace

void JsonWriter::AppendString(std::string* out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  out->reserve(out->size() + n + 2);
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as is
  size_t i = 0;
  while (i < n) {
    uint8_t cls = kClasses.c[p[i]];
    if (cls == kClassCopy) {
      ++i;
      continue;
    }
    if (cls == kClassUtf8) {
      size_t skip = 0;
      size_t len = Utf8SequenceLength(p + i, n - i, &skip);
      if (len != 0) {
        i += len;
        continue;
      }
      out->append(s.data() + run, i - run);
      out->append(kReplacement);
      i += skip;
      run = i;
      continue;
    }
    out->append(s.data() + run, i - run);
    unsigned char c = p[i];
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(esc, 6);
      }
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
}

void JsonWriter::NewlineAndIndent(size_t depth) {
  out_->push_back('\n');
  out_->append(depth * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::BeforeValue() {
  if (stack_.empty()) return;
  Level& top = stack_.back();
  if (top.is_object) {
    CAIRN_DCHECK(top.after_key);  // a value inside an object needs a Key() first
    top.after_key = false;
    return;
  }
  if (!top.empty) out_->push_back(',');
  top.empty = false;
  if (indent_ > 0) NewlineAndIndent(stack_.size());
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  CAIRN_DCHECK(!stack_.empty() && stack_.back().is_object && !stack_.back().after_key);
  Level& top = stack_.back();
  if (!top.empty) out_->push_back(',');
  top.empty = false;
  top.after_key = true;
  if (indent_ > 0) NewlineAndIndent(stack_.size());
  AppendString(out_, key);
  out_->push_back(':');
  if (indent_ > 0) out_->push_back(' ');
  return *this;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  stack_.push_back(Level{true});
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  CAIRN_DCHECK(!stack_.empty() && stack_.back().is_object && !stack_.back().after_key);
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (indent_ > 0 && !empty) NewlineAndIndent(stack_.size());
  out_->push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  stack_.push_back(Level{false});
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  CAIRN_DCHECK(!stack_.empty() && !stack_.back().is_object);
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (indent_ > 0 && !empty) NewlineAndIndent(stack_.size());
  out_->push_back(']');
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendString(out_, s);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t v) {
  BeforeValue();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  BeforeValue();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_->append(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
  return *this;
}

}  // namespace cairn
