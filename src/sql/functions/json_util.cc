#include "sql/functions/json_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/json_writer.h"
#include "sql/datetime.h"

namespace cairn::sql {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Skips a string token at *pos ('"'), checking escapes. No unescaping.
bool SkipString(std::string_view s, size_t* pos) {
  size_t i = *pos + 1;
  while (true) {
    // Jump to the next quote or backslash.
    while (i < s.size() && s[i] != '"' && s[i] != '\\') {
      if (static_cast<unsigned char>(s[i]) < 0x20) return false;
      ++i;
    }
    if (i >= s.size()) return false;
    if (s[i] == '"') {
      *pos = i + 1;
      return true;
    }
    if (i + 1 >= s.size()) return false;
    char e = s[i + 1];
    if (e == 'u') {
      if (i + 6 > s.size()) return false;
      for (int k = 2; k < 6; ++k) {
        if (HexValue(s[i + k]) < 0) return false;
      }
      i += 6;
    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
               e == 't') {
      i += 2;
    } else {
      return false;
    }
  }
}

bool SkipNumber(std::string_view s, size_t* pos) {
  size_t i = *pos;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits) return false;
  if (s[digits] == '0' && i - digits > 1) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t f = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == f) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t e = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == e) return false;
  }
  *pos = i;
  return true;
}

bool SkipLiteral(std::string_view s, size_t* pos, std::string_view word) {
  if (s.substr(*pos, word.size()) != word) return false;
  *pos += word.size();
  return true;
}

// Writes the compact (optionally key-sorted) form of the value at *pos. Recursion is bounded by
// kMaxJsonDepth.
bool Canon(std::string_view s, size_t* pos, bool sort_keys, int depth, std::string* out) {
  if (depth > kMaxJsonDepth) return false;
  JsonSkipSpace(s, pos);
  if (*pos >= s.size()) return false;
  char c = s[*pos];
  if (c == '{') {
    ++*pos;
    std::vector<std::pair<std::string, std::string>> members;  // (unescaped key, value text)
    JsonSkipSpace(s, pos);
    if (*pos < s.size() && s[*pos] == '}') {
      ++*pos;
      out->append("{}");
      return true;
    }
    while (true) {
      JsonSkipSpace(s, pos);
      if (*pos >= s.size() || s[*pos] != '"') return false;
      std::string key;
      if (!JsonReadString(s, pos, &key)) return false;
      JsonSkipSpace(s, pos);
      if (*pos >= s.size() || s[*pos] != ':') return false;
      ++*pos;
      std::string value;
      if (!Canon(s, pos, sort_keys, depth + 1, &value)) return false;
      members.emplace_back(std::move(key), std::move(value));
      JsonSkipSpace(s, pos);
      if (*pos >= s.size()) return false;
      if (s[*pos] == ',') {
        ++*pos;
        continue;
      }
      if (s[*pos] != '}') return false;
      ++*pos;
      break;
    }
    if (sort_keys) {
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    out->push_back('{');
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out->push_back(',');
      JsonQuote(members[i].first, out);
      out->push_back(':');
      out->append(members[i].second);
    }
    out->push_back('}');
    return true;
  }
  if (c == '[') {
    ++*pos;
    out->push_back('[');
    JsonSkipSpace(s, pos);
    if (*pos < s.size() && s[*pos] == ']') {
      ++*pos;
      out->push_back(']');
      return true;
    }
    bool first = true;
    while (true) {
      if (!first) out->push_back(',');
      first = false;
      if (!Canon(s, pos, sort_keys, depth + 1, out)) return false;
      JsonSkipSpace(s, pos);
      if (*pos >= s.size()) return false;
      if (s[*pos] == ',') {
        ++*pos;
        continue;
      }
      if (s[*pos] != ']') return false;
      ++*pos;
      out->push_back(']');
      return true;
    }
  }
  if (c == '"') {
    // Re-escape so that equal strings have equal text.
    std::string value;
    if (!JsonReadString(s, pos, &value)) return false;
    JsonQuote(value, out);
    return true;
  }
  size_t start = *pos;
  if (c == '-' || (c >= '0' && c <= '9')) {
    if (!SkipNumber(s, pos)) return false;
  } else if (!SkipLiteral(s, pos, "true") && !SkipLiteral(s, pos, "false") &&
             !SkipLiteral(s, pos, "null")) {
    return false;
  }
  out->append(s.substr(start, *pos - start));
  return true;
}

std::string Compact(std::string_view raw) {
  std::string out;
  size_t pos = 0;
  if (!Canon(raw, &pos, false, 0, &out)) return std::string(raw);
  return out;
}

bool ParseInt64(std::string_view t, int64_t* out) {
  auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

bool ParseDouble(std::string_view t, double* out) {
  auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

}  // namespace

void JsonSkipSpace(std::string_view s, size_t* pos) {
  while (*pos < s.size() && IsSpace(s[*pos])) ++*pos;
}

JsonKind JsonKindOf(std::string_view v) {
  size_t pos = 0;
  JsonSkipSpace(v, &pos);
  if (pos >= v.size()) return JsonKind::kInvalid;
  switch (v[pos]) {
    case '{':
      return JsonKind::kObject;
    case '[':
      return JsonKind::kArray;
    case '"':
      return JsonKind::kString;
    case 't':
    case 'f':
      return JsonKind::kBoolean;
    case 'n':
      return JsonKind::kNull;
    default:
      return (v[pos] == '-' || (v[pos] >= '0' && v[pos] <= '9')) ? JsonKind::kNumber
                                                                 : JsonKind::kInvalid;
  }
}

bool JsonSkipValue(std::string_view s, size_t* pos) {
  // Iterative: a small stack of open brackets, so depth costs no C++ stack.
  std::string stack;
  JsonSkipSpace(s, pos);
  while (true) {
    if (*pos >= s.size()) return false;
    char c = s[*pos];
    // A value.
    if (c == '{' || c == '[') {
      if (stack.size() >= static_cast<size_t>(kMaxJsonDepth)) return false;
      stack.push_back(c);
      ++*pos;
      JsonSkipSpace(s, pos);
      if (*pos < s.size() && s[*pos] == (c == '{' ? '}' : ']')) {
        ++*pos;
        stack.pop_back();
      } else if (c == '{') {
        // Member key.
        if (*pos >= s.size() || s[*pos] != '"' || !SkipString(s, pos)) return false;
        JsonSkipSpace(s, pos);
        if (*pos >= s.size() || s[*pos] != ':') return false;
        ++*pos;
        JsonSkipSpace(s, pos);
        continue;
      } else {
        continue;
      }
    } else if (c == '"') {
      if (!SkipString(s, pos)) return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (!SkipNumber(s, pos)) return false;
    } else if (!SkipLiteral(s, pos, "true") && !SkipLiteral(s, pos, "false") &&
               !SkipLiteral(s, pos, "null")) {
      return false;
    }
    // After a value: close containers or move to the next member / element.
    while (true) {
      if (stack.empty()) return true;
      JsonSkipSpace(s, pos);
      if (*pos >= s.size()) return false;
      char d = s[*pos];
      char open = stack.back();
      if (d == ',') {
        ++*pos;
        JsonSkipSpace(s, pos);
        if (open == '{') {
          if (*pos >= s.size() || s[*pos] != '"' || !SkipString(s, pos)) return false;
          JsonSkipSpace(s, pos);
          if (*pos >= s.size() || s[*pos] != ':') return false;
          ++*pos;
          JsonSkipSpace(s, pos);
        }
        break;
      }
      if ((open == '{' && d == '}') || (open == '[' && d == ']')) {
        ++*pos;
        stack.pop_back();
        continue;
      }
      return false;
    }
  }
}

bool JsonReadString(std::string_view s, size_t* pos, std::string* out) {
  if (*pos >= s.size() || s[*pos] != '"') return false;
  size_t i = *pos + 1;
  out->clear();
  while (true) {
    size_t start = i;
    while (i < s.size() && s[i] != '"' && s[i] != '\\') {
      if (static_cast<unsigned char>(s[i]) < 0x20) return false;
      ++i;
    }
    out->append(s.substr(start, i - start));
    if (i >= s.size()) return false;
    if (s[i] == '"') {
      *pos = i + 1;
      return true;
    }
    if (i + 1 >= s.size()) return false;
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t* cp) {
          if (at + 4 > s.size()) return false;
          uint32_t v = 0;
          for (size_t k = 0; k < 4; ++k) {
            int h = HexValue(s[at + k]);
            if (h < 0) return false;
            v = v * 16 + static_cast<uint32_t>(h);
          }
          *cp = v;
          return true;
        };
        uint32_t cp;
        if (!hex4(i, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
          uint32_t low;
          if (hex4(i + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
}

void JsonQuote(std::string_view s, std::string* out) { JsonWriter::AppendString(out, s); }

bool JsonCanonical(std::string_view v, bool sort_keys, std::string* out) {
  size_t pos = 0;
  if (!Canon(v, &pos, sort_keys, 0, out)) return false;
  JsonSkipSpace(v, &pos);
  return pos == v.size();
}

bool ParseJsonPath(std::string_view text, JsonPath* path, std::string* error) {
  path->clear();
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i >= text.size() || text[i] != '$') {
    *error = "a JSON path must start with '$'";
    return false;
  }
  ++i;
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    JsonPathStep step;
    if (c == '.') {
      ++i;
      if (i < text.size() && text[i] == '"') {
        if (!JsonReadString(text, &i, &step.key)) {
          *error = "unterminated quoted name";
          return false;
        }
      } else {
        size_t start = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                   text[i] == '_' || text[i] == '$' || text[i] == '@' ||
                                   text[i] == '-' || static_cast<unsigned char>(text[i]) >= 0x80)) {
          ++i;
        }
        if (i == start) {
          *error = i < text.size() && text[i] == '*' ? "wildcards are not supported"
                                                     : "expected a name after '.'";
          return false;
        }
        step.key = std::string(text.substr(start, i - start));
      }
    } else if (c == '[') {
      ++i;
      while (i < text.size() && IsSpace(text[i])) ++i;
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        char q = text[i++];
        while (i < text.size() && text[i] != q) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          step.key.push_back(text[i++]);
        }
        if (i >= text.size()) {
          *error = "unterminated quoted name";
          return false;
        }
        ++i;
      } else {
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start || i - start > 9) {
          *error = i < text.size() && text[i] == '*' ? "wildcards are not supported"
                                                     : "expected an array index or a quoted name";
          return false;
        }
        step.is_index = true;
        step.index = std::stoll(std::string(text.substr(start, i - start)));
      }
      while (i < text.size() && IsSpace(text[i])) ++i;
      if (i >= text.size() || text[i] != ']') {
        *error = "expected ']'";
        return false;
      }
      ++i;
    } else {
      *error = std::string("unexpected character '") + c + "'";
      return false;
    }
    path->push_back(std::move(step));
  }
  return true;
}

bool JsonFind(std::string_view doc, const JsonPath& path, std::string_view* value) {
  size_t pos = 0;
  JsonSkipSpace(doc, &pos);
  std::string key;
  for (const JsonPathStep& step : path) {
    if (pos >= doc.size()) return false;
    if (step.is_index) {
      if (doc[pos] != '[') return false;
      ++pos;
      JsonSkipSpace(doc, &pos);
      if (pos < doc.size() && doc[pos] == ']') return false;
      for (int64_t k = 0;; ++k) {
        JsonSkipSpace(doc, &pos);
        if (k == step.index) break;
        if (!JsonSkipValue(doc, &pos)) return false;
        JsonSkipSpace(doc, &pos);
        if (pos >= doc.size() || doc[pos] != ',') return false;
        ++pos;
      }
    } else {
      if (doc[pos] != '{') return false;
      ++pos;
      JsonSkipSpace(doc, &pos);
      if (pos < doc.size() && doc[pos] == '}') return false;
      bool found = false;
      while (!found) {
        JsonSkipSpace(doc, &pos);
        if (pos >= doc.size() || doc[pos] != '"') return false;
        // Fast path: compare the raw key when it has no escapes.
        size_t kstart = pos + 1;
        size_t kend = kstart;
        while (kend < doc.size() && doc[kend] != '"' && doc[kend] != '\\') ++kend;
        if (kend < doc.size() && doc[kend] == '"') {
          found = doc.substr(kstart, kend - kstart) == step.key;
          pos = kend + 1;
        } else {
          if (!JsonReadString(doc, &pos, &key)) return false;
          found = key == step.key;
        }
        JsonSkipSpace(doc, &pos);
        if (pos >= doc.size() || doc[pos] != ':') return false;
        ++pos;
        JsonSkipSpace(doc, &pos);
        if (found) break;
        if (!JsonSkipValue(doc, &pos)) return false;
        JsonSkipSpace(doc, &pos);
        if (pos >= doc.size() || doc[pos] != ',') return false;
        ++pos;
      }
    }
  }
  size_t start = pos;
  if (!JsonSkipValue(doc, &pos)) return false;
  *value = doc.substr(start, pos - start);
  return true;
}

bool JsonScalarText(std::string_view raw, std::string* out) {
  size_t pos = 0;
  JsonSkipSpace(raw, &pos);
  switch (JsonKindOf(raw)) {
    case JsonKind::kString:
      return JsonReadString(raw, &pos, out);
    case JsonKind::kNumber:
    case JsonKind::kBoolean: {
      size_t end = raw.size();
      while (end > pos && IsSpace(raw[end - 1])) --end;
      out->assign(raw.substr(pos, end - pos));
      return true;
    }
    default:
      return false;
  }
}

bool JsonObjectMembers(std::string_view obj,
                       std::vector<std::pair<std::string_view, std::string_view>>* members) {
  members->clear();
  size_t pos = 0;
  JsonSkipSpace(obj, &pos);
  if (pos >= obj.size() || obj[pos] != '{') return false;
  ++pos;
  JsonSkipSpace(obj, &pos);
  if (pos < obj.size() && obj[pos] == '}') return true;
  while (true) {
    JsonSkipSpace(obj, &pos);
    if (pos >= obj.size() || obj[pos] != '"') return false;
    size_t kstart = pos;
    if (!SkipString(obj, &pos)) return false;
    std::string_view key = obj.substr(kstart, pos - kstart);
    JsonSkipSpace(obj, &pos);
    if (pos >= obj.size() || obj[pos] != ':') return false;
    ++pos;
    JsonSkipSpace(obj, &pos);
    size_t vstart = pos;
    if (!JsonSkipValue(obj, &pos)) return false;
    members->emplace_back(key, obj.substr(vstart, pos - vstart));
    JsonSkipSpace(obj, &pos);
    if (pos >= obj.size()) return false;
    if (obj[pos] == ',') {
      ++pos;
      continue;
    }
    return obj[pos] == '}';
  }
}

bool JsonArrayElements(std::string_view arr, std::vector<std::string_view>* elements) {
  elements->clear();
  size_t pos = 0;
  JsonSkipSpace(arr, &pos);
  if (pos >= arr.size() || arr[pos] != '[') return false;
  ++pos;
  JsonSkipSpace(arr, &pos);
  if (pos < arr.size() && arr[pos] == ']') return true;
  while (true) {
    JsonSkipSpace(arr, &pos);
    size_t start = pos;
    if (!JsonSkipValue(arr, &pos)) return false;
    elements->push_back(arr.substr(start, pos - start));
    JsonSkipSpace(arr, &pos);
    if (pos >= arr.size()) return false;
    if (arr[pos] == ',') {
      ++pos;
      continue;
    }
    return arr[pos] == ']';
  }
}

bool MapValueFromJson(std::string_view raw, const Type& value_type, Value* v) {
  JsonKind kind = JsonKindOf(raw);
  if (kind == JsonKind::kNull) {
    *v = Value::Null(value_type);
    return true;
  }
  switch (value_type.id()) {
    case TypeId::kVarchar: {
      std::string text;
      if (kind == JsonKind::kObject || kind == JsonKind::kArray) {
        text = Compact(raw);
      } else if (!JsonScalarText(raw, &text)) {
        return false;
      }
      *v = Value::Varchar(std::move(text));
      return true;
    }
    case TypeId::kJson:
      *v = Value::Json(Compact(raw));
      return true;
    default: {
      if (JsonToValue(raw, value_type, v)) return true;
      *v = Value::Null(value_type);
      return true;
    }
  }
}

Status MapElement(std::string_view map_json, std::string_view key, const Type& value_type,
                  Vector* out, size_t row) {
  JsonPath path(1);
  path[0].key = std::string(key);
  std::string_view raw;
  if (!JsonFind(map_json, path, &raw)) {
    out->SetNullAndClear(row);
    return Status::OK();
  }
  // Fast path for the common case: a string value read as varchar.
  if (value_type.id() == TypeId::kVarchar && !raw.empty() && raw[0] == '"' &&
      raw.find('\\') == std::string_view::npos) {
    out->strs()[row] = raw.substr(1, raw.size() - 2);  // points into the map's text
    out->SetValid(row);
    return Status::OK();
  }
  Value v;
  if (!MapValueFromJson(raw, value_type, &v)) {
    out->SetNullAndClear(row);
    return Status::OK();
  }
  out->SetValue(row, v);
  return Status::OK();
}

bool JsonToValue(std::string_view raw, const Type& type, Value* v) {
  JsonKind kind = JsonKindOf(raw);
  if (kind == JsonKind::kInvalid) return false;
  if (kind == JsonKind::kNull) {
    *v = Value::Null(type);
    return true;
  }
  size_t pos = 0;
  JsonSkipSpace(raw, &pos);
  std::string_view token = raw.substr(pos);
  while (!token.empty() && IsSpace(token.back())) token.remove_suffix(1);
  switch (type.id()) {
    case TypeId::kJson:
      *v = Value::Json(Compact(raw));
      return true;
    case TypeId::kVarchar: {
      std::string text;
      if (!JsonScalarText(raw, &text)) return false;
      *v = Value::Varchar(std::move(text));
      return true;
    }
    case TypeId::kBoolean:
      if (kind == JsonKind::kBoolean) {
        *v = Value::Boolean(token == "true");
        return true;
      }
      if (kind == JsonKind::kNumber) {
        double d;
        if (!ParseDouble(token, &d)) return false;
        *v = Value::Boolean(d != 0);
        return true;
      }
      if (kind == JsonKind::kString) {
        std::string s;
        if (!JsonReadString(raw, &pos, &s)) return false;
        if (s == "true") return (*v = Value::Boolean(true)), true;
        if (s == "false") return (*v = Value::Boolean(false)), true;
      }
      return false;
    case TypeId::kBigint: {
      std::string s;
      if (kind == JsonKind::kString) {
        if (!JsonReadString(raw, &pos, &s)) return false;
      } else if (kind == JsonKind::kNumber) {
        s = std::string(token);
      } else if (kind == JsonKind::kBoolean) {
        *v = Value::Bigint(token == "true" ? 1 : 0);
        return true;
      } else {
        return false;
      }
      int64_t n;
      if (ParseInt64(s, &n)) return (*v = Value::Bigint(n)), true;
      double d;
      if (!ParseDouble(s, &d) || !std::isfinite(d) || std::fabs(d) >= 9.2233720368547758e18)
        return false;
      *v = Value::Bigint(static_cast<int64_t>(std::llround(d)));
      return true;
    }
    case TypeId::kDouble: {
      std::string s;
      if (kind == JsonKind::kString) {
        if (!JsonReadString(raw, &pos, &s)) return false;
      } else if (kind == JsonKind::kNumber) {
        s = std::string(token);
      } else if (kind == JsonKind::kBoolean) {
        *v = Value::Double(token == "true" ? 1 : 0);
        return true;
      } else {
        return false;
      }
      double d;
      if (!ParseDouble(s, &d)) return false;
      *v = Value::Double(d);
      return true;
    }
    case TypeId::kTimestamp: {
      std::string s;
      int64_t micros;
      if (kind != JsonKind::kString || !JsonReadString(raw, &pos, &s) ||
          !datetime::ParseTimestamp(s, &micros)) {
        return false;
      }
      *v = Value::Timestamp(micros);
      return true;
    }
    case TypeId::kDate: {
      std::string s;
      int64_t days;
      if (kind != JsonKind::kString || !JsonReadString(raw, &pos, &s) ||
          !datetime::ParseDate(s, &days)) {
        return false;
      }
      *v = Value::Date(days);
      return true;
    }
    case TypeId::kArray: {
      std::vector<std::string_view> elements;
      if (!JsonArrayElements(raw, &elements)) return false;
      std::vector<Value> items(elements.size());
      for (size_t i = 0; i < elements.size(); ++i) {
        if (!JsonToValue(elements[i], type.element(), &items[i])) return false;
      }
      *v = Value::Array(type.element(), std::move(items));
      return true;
    }
    case TypeId::kMap: {
      std::vector<std::pair<std::string_view, std::string_view>> members;
      if (!JsonObjectMembers(raw, &members)) return false;
      // Validate every value converts, then keep the object as the map's text, re-serialized so
      // that its values are in the map's value type.
      std::string text = "{";
      for (size_t i = 0; i < members.size(); ++i) {
        Value item;
        if (!JsonToValue(members[i].second, type.value(), &item)) return false;
        if (i) text.push_back(',');
        std::string key;
        size_t kp = 0;
        if (!JsonReadString(members[i].first, &kp, &key)) return false;
        JsonQuote(key, &text);
        text.push_back(':');
        if (type.value().id() == TypeId::kJson) {
          text.append(item.is_null ? "null" : item.str);
        } else {
          ValueToJson(item, &text);
        }
      }
      text.push_back('}');
      *v = Value::StringOf(type, std::move(text));
      return true;
    }
    case TypeId::kRow: {
      const auto& fields = type.fields();
      std::vector<Value> items(fields.size());
      if (kind == JsonKind::kArray) {
        std::vector<std::string_view> elements;
        if (!JsonArrayElements(raw, &elements) || elements.size() != fields.size()) return false;
        for (size_t i = 0; i < fields.size(); ++i) {
          if (!JsonToValue(elements[i], *fields[i].type, &items[i])) return false;
        }
      } else if (kind == JsonKind::kObject) {
        std::vector<std::pair<std::string_view, std::string_view>> members;
        if (!JsonObjectMembers(raw, &members)) return false;
        for (size_t i = 0; i < fields.size(); ++i) items[i] = Value::Null(*fields[i].type);
        for (const auto& [k, val] : members) {
          std::string key;
          size_t kp = 0;
          if (!JsonReadString(k, &kp, &key)) return false;
          int f = type.FieldIndex(key);
          if (f < 0) continue;
          if (!JsonToValue(val, *fields[f].type, &items[f])) return false;
        }
      } else {
        return false;
      }
      *v = Value::Row(type, std::move(items));
      return true;
    }
    default:
      return false;
  }
}

void ValueToJson(const Value& v, std::string* out) {
  if (v.is_null) {
    out->append("null");
    return;
  }
  switch (v.type.id()) {
    case TypeId::kUnknown:
      out->append("null");
      return;
    case TypeId::kBoolean:
      out->append(v.boolean ? "true" : "false");
      return;
    case TypeId::kBigint:
      out->append(std::to_string(v.i64));
      return;
    case TypeId::kDouble:
      if (std::isfinite(v.f64)) {
        out->append(FormatDouble(v.f64));
      } else {
        JsonQuote(FormatDouble(v.f64), out);
      }
      return;
    case TypeId::kVarchar:
      JsonQuote(v.str, out);
      return;
    case TypeId::kJson:
      out->append(v.str);
      return;
    case TypeId::kTimestamp:
      JsonQuote(datetime::FormatTimestamp(v.i64), out);
      return;
    case TypeId::kDate:
      JsonQuote(datetime::FormatDate(v.i64), out);
      return;
    case TypeId::kMap: {
      // Values become JSON in the map's value type.
      std::vector<std::pair<std::string_view, std::string_view>> members;
      if (!JsonObjectMembers(v.str, &members)) {
        out->append("null");
        return;
      }
      out->push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out->push_back(',');
        std::string key;
        size_t kp = 0;
        if (!JsonReadString(members[i].first, &kp, &key)) key.clear();
        JsonQuote(key, out);
        out->push_back(':');
        Value item;
        if (!MapValueFromJson(members[i].second, v.type.value(), &item))
          item = Value::Null(v.type.value());
        ValueToJson(item, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kArray:
      out->push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->push_back(',');
        ValueToJson(v.items[i], out);
      }
      out->push_back(']');
      return;
    case TypeId::kRow: {
      const auto& fields = v.type.fields();
      bool named =
          !fields.empty() && std::all_of(fields.begin(), fields.end(),
                                         [](const RowField& f) { return !f.name.empty(); });
      out->push_back(named ? '{' : '[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->push_back(',');
        if (named) {
          JsonQuote(fields[i].name, out);
          out->push_back(':');
        }
        ValueToJson(v.items[i], out);
      }
      out->push_back(named ? '}' : ']');
      return;
    }
    default:
      JsonQuote(std::to_string(v.i64), out);
      return;
  }
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then Java's layout.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // e.g. "-1.2345e+07"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    // Plain notation with at least one digit after the point.
    int point = exp + 1;  // digits before the decimal point
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(point) - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(point)) + "." +
             digits.substr(static_cast<size_t>(point));
    }
    return out;
  }
  out += digits.substr(0, 1) + ".";
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += "E" + std::to_string(exp);
  return out;
}

}  // namespace cairn::sql
