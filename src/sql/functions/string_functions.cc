// String functions and LIKE. Positions and lengths count code points (UTF-8), as in Trino.
// Results that are slices of an input (substr, trim, split, split_part) point into the input's
// memory instead of copying it.
#include <algorithm>
#include <optional>

#include "sql/functions/kernel_util.h"
#include "sql/functions/like.h"

namespace cairn::sql {
namespace {

using kernel::AddFixed;
using kernel::AddGeneric;
using kernel::Arg;
using kernel::Bound;
using kernel::Utf8Length;
using kernel::Utf8Offset;

const Type V = Type::Varchar();
const Type B = Type::Bigint();

template <char (*F)(char)>
Status MapAscii(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i];
    char* p = out->heap().Allocate(s.size());
    for (size_t k = 0; k < s.size(); ++k) p[k] = F(s[k]);
    out->strs()[i] = std::string_view(p, s.size());
  }
  return Status::OK();
}
char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

Status Length(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  for (size_t i = 0; i < in.count; ++i)
    out->i64()[i] = static_cast<int64_t>(Utf8Length(a.strs()[i]));
  return Status::OK();
}

// substr(s, start[, length]): 1-based; a negative start counts from the end.
Status Substr(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  out->ShareStringsOf(a);
  bool has_len = in.args.size() > 2;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i];
    int64_t start = Arg(in, 1).i64()[i];
    int64_t len = has_len ? Arg(in, 2).i64()[i] : INT64_MAX;
    int64_t n = static_cast<int64_t>(Utf8Length(s));
    if (start == 0 || len <= 0) {
      out->strs()[i] = std::string_view("", 0);
      continue;
    }
    if (start < 0) start = n + start + 1;
    if (start < 1 || start > n) {
      out->strs()[i] = std::string_view("", 0);
      continue;
    }
    size_t b = Utf8Offset(s, static_cast<size_t>(start - 1));
    size_t remaining = static_cast<size_t>(n - (start - 1));
    size_t take = static_cast<size_t>(std::min<int64_t>(len, static_cast<int64_t>(remaining)));
    size_t e = b + Utf8Offset(s.substr(b), take);
    out->strs()[i] = s.substr(b, e - b);
  }
  return Status::OK();
}

// strpos(s, sub[, instance]): 1-based code point position, 0 when absent; instance < 0 from the
// end.
Status Strpos(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& b = Arg(in, 1);
  bool has_instance = in.args.size() > 2;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i], sub = b.strs()[i];
    int64_t instance = has_instance ? Arg(in, 2).i64()[i] : 1;
    if (instance == 0) return QueryFailed("'instance' must be a positive or negative number");
    size_t pos = std::string_view::npos;
    if (instance > 0) {
      size_t from = 0;
      for (int64_t k = 0; k < instance; ++k) {
        pos = s.find(sub, from);
        if (pos == std::string_view::npos) break;
        from = pos + 1;
      }
    } else {
      size_t from = std::string_view::npos;
      for (int64_t k = 0; k < -instance; ++k) {
        pos = s.rfind(sub, from);
        if (pos == std::string_view::npos || pos == 0) {
          if (k + 1 < -instance) pos = std::string_view::npos;
          break;
        }
        from = pos - 1;
      }
    }
    out->i64()[i] =
        pos == std::string_view::npos ? 0 : static_cast<int64_t>(Utf8Length(s.substr(0, pos))) + 1;
  }
  return Status::OK();
}

Status ConcatStrings(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    buf.clear();
    for (const Vector* a : in.args) buf.append(a->strs()[i]);
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

// array || array (and concat(array, ...)): the elements of all arguments in order.
Status ConcatArrays(const KernelArgs& in, Vector* out) {
  Vector& elems = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    uint32_t start = static_cast<uint32_t>(elems.size());
    for (const Vector* a : in.args) {
      const ListEntry& e = a->lists()[i];
      elems.AppendRange(a->child(0), e.offset, e.length);
    }
    out->lists()[i] = {start, static_cast<uint32_t>(elems.size()) - start};
  }
  return Status::OK();
}

Result<BoundFunction> BindConcat(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.empty()) return WrongArguments(def, args);
  bool any_array = std::any_of(args.types.begin(), args.types.end(),
                               [](const Type& t) { return t.id() == TypeId::kArray; });
  if (any_array) {
    Type common = Type::Unknown();
    for (const Type& t : args.types) {
      auto c = CommonSuperType(common, t);
      if (!c || c->id() != TypeId::kArray) return WrongArguments(def, args);
      common = *c;
    }
    return Bound(def, std::vector<Type>(args.types.size(), common), common, ConcatArrays);
  }
  for (const Type& t : args.types) {
    if (!CanCoerce(t, V)) return WrongArguments(def, args);
  }
  return Bound(def, std::vector<Type>(args.types.size(), V), V, ConcatStrings);
}

// concat_ws(sep, s...): NULL arguments are skipped; a NULL separator gives NULL.
Status ConcatWs(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (Arg(in, 0).IsNull(i)) {
      out->SetNull(i);
      continue;
    }
    buf.clear();
    bool first = true;
    for (size_t k = 1; k < in.args.size(); ++k) {
      if (in.args[k]->IsNull(i)) continue;
      if (!first) buf.append(Arg(in, 0).strs()[i]);
      first = false;
      buf.append(in.args[k]->strs()[i]);
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

// replace(s, search[, replacement]): every occurrence; an empty search inserts the replacement
// between code points (Trino).
Status Replace(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& b = Arg(in, 1);
  bool has_rep = in.args.size() > 2;
  std::string buf;
  out->ShareStringsOf(a);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i], search = b.strs()[i];
    std::string_view rep = has_rep ? Arg(in, 2).strs()[i] : std::string_view();
    if (search.empty()) {
      buf.assign(rep);
      size_t k = 0;
      while (k < s.size()) {
        size_t start = k;
        kernel::DecodeUtf8(s, &k);
        buf.append(s.substr(start, k - start));
        buf.append(rep);
      }
      out->strs()[i] = out->AddString(buf);
      continue;
    }
    size_t pos = s.find(search);
    if (pos == std::string_view::npos) {
      out->strs()[i] = s;
      continue;
    }
    buf.clear();
    size_t from = 0;
    while (pos != std::string_view::npos) {
      buf.append(s.substr(from, pos - from));
      buf.append(rep);
      from = pos + search.size();
      pos = s.find(search, from);
    }
    buf.append(s.substr(from));
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

// split_part(s, delimiter, index): 1-based field; NULL past the last field.
Status SplitPart(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  out->ShareStringsOf(a);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i], d = Arg(in, 1).strs()[i];
    int64_t index = Arg(in, 2).i64()[i];
    if (index <= 0) return QueryFailed("Index must be greater than zero");
    if (d.empty()) {
      // Each code point is a field.
      if (static_cast<size_t>(index) > Utf8Length(s)) {
        out->SetNull(i);
        continue;
      }
      size_t b = Utf8Offset(s, static_cast<size_t>(index - 1));
      size_t e = b + Utf8Offset(s.substr(b), 1);
      out->strs()[i] = s.substr(b, e - b);
      continue;
    }
    size_t from = 0;
    bool found = true;
    for (int64_t k = 1; k < index; ++k) {
      size_t p = s.find(d, from);
      if (p == std::string_view::npos) {
        found = false;
        break;
      }
      from = p + d.size();
    }
    if (!found) {
      out->SetNull(i);
      continue;
    }
    size_t end = s.find(d, from);
    out->strs()[i] =
        s.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from);
  }
  return Status::OK();
}

// split(s, delimiter[, limit]) -> array(varchar); the last element holds the rest at the limit.
Status Split(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  Vector& elems = out->child(0);
  elems.ShareStringsOf(a);
  bool has_limit = in.args.size() > 2;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i], d = Arg(in, 1).strs()[i];
    int64_t limit = has_limit ? Arg(in, 2).i64()[i] : INT64_MAX;
    if (d.empty()) return QueryFailed("The delimiter may not be the empty string");
    if (limit <= 0) return QueryFailed("Limit must be positive");
    uint32_t start = static_cast<uint32_t>(elems.size());
    size_t from = 0;
    int64_t count = 0;
    while (true) {
      size_t p = count + 1 >= limit ? std::string_view::npos : s.find(d, from);
      size_t at = elems.size();
      elems.Resize(at + 1);
      elems.strs()[at] =
          s.substr(from, p == std::string_view::npos ? std::string_view::npos : p - from);
      ++count;
      if (p == std::string_view::npos) break;
      from = p + d.size();
    }
    out->lists()[i] = {start, static_cast<uint32_t>(count)};
  }
  return Status::OK();
}

bool IsTrimSpace(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0x1C || cp == 0x1D || cp == 0x1E || cp == 0x1F || cp == 0x85 || cp == 0xA0 ||
         cp == 0x2028 || cp == 0x2029 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x3000;
}

// trim / ltrim / rtrim (s[, characters]): whitespace, or any of the given code points.
template <bool left, bool right>
Status Trim(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  out->ShareStringsOf(a);
  bool has_chars = in.args.size() > 1;
  std::vector<uint32_t> set;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i];
    if (has_chars) {
      set.clear();
      std::string_view cs = Arg(in, 1).strs()[i];
      for (size_t k = 0; k < cs.size();) set.push_back(kernel::DecodeUtf8(cs, &k));
    }
    auto strip = [&](uint32_t cp) {
      return has_chars ? std::find(set.begin(), set.end(), cp) != set.end() : IsTrimSpace(cp);
    };
    size_t b = 0, e = s.size();
    if (left) {
      while (b < e) {
        size_t k = b;
        if (!strip(kernel::DecodeUtf8(s, &k))) break;
        b = k;
      }
    }
    if (right) {
      while (e > b) {
        size_t start = e - 1;
        while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        size_t k = start;
        if (!strip(kernel::DecodeUtf8(s, &k))) break;
        e = start;
      }
    }
    out->strs()[i] = s.substr(b, e - b);
  }
  return Status::OK();
}

Status ReverseString(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = a.strs()[i];
    buf.clear();
    size_t e = s.size();
    while (e > 0) {
      size_t start = e - 1;
      while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      buf.append(s.substr(start, e - start));
      e = start;
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status ReverseArray(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  Vector& elems = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    uint32_t start = static_cast<uint32_t>(elems.size());
    for (uint32_t k = e.length; k-- > 0;) elems.AppendRange(a.child(0), e.offset + k, 1);
    out->lists()[i] = {start, e.length};
  }
  return Status::OK();
}

Result<BoundFunction> BindReverse(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1) return WrongArguments(def, args);
  const Type& t = args.types[0];
  if (t.id() == TypeId::kArray) return Bound(def, {t}, t, ReverseArray);
  if (!CanCoerce(t, V)) return WrongArguments(def, args);
  return Bound(def, {V}, V, ReverseString);
}

Status StartsWith(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    out->bools()[i] =
        Arg(in, 0).strs()[i].substr(0, Arg(in, 1).strs()[i].size()) == Arg(in, 1).strs()[i];
  }
  return Status::OK();
}

Status EndsWith(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    std::string_view s = Arg(in, 0).strs()[i], x = Arg(in, 1).strs()[i];
    out->bools()[i] = s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
  }
  return Status::OK();
}

// lpad / rpad(s, size, padstring): to exactly `size` code points (truncating when longer).
template <bool left>
Status Pad(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i], pad = Arg(in, 2).strs()[i];
    int64_t size = Arg(in, 1).i64()[i];
    if (size < 0 || size > 1 << 20)
      return QueryFailed("Target length must be in the range [0..1048576]");
    size_t n = Utf8Length(s);
    if (static_cast<size_t>(size) <= n) {
      out->strs()[i] = out->AddString(s.substr(0, Utf8Offset(s, static_cast<size_t>(size))));
      continue;
    }
    if (pad.empty()) return QueryFailed("Padding string must not be empty");
    size_t need = static_cast<size_t>(size) - n;
    std::string fill;
    size_t pad_len = Utf8Length(pad);
    while (need >= pad_len) {
      fill.append(pad);
      need -= pad_len;
    }
    fill.append(pad.substr(0, Utf8Offset(pad, need)));
    buf = left ? fill + std::string(s) : std::string(s) + fill;
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status Chr(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    int64_t cp = Arg(in, 0).i64()[i];
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return QueryFailed("Not a valid Unicode code point: " + std::to_string(cp));
    }
    buf.clear();
    kernel::AppendUtf8(static_cast<uint32_t>(cp), &buf);
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status Codepoint(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    if (Utf8Length(s) != 1) return QueryFailed("Input string must be a single character string");
    size_t k = 0;
    out->i64()[i] = kernel::DecodeUtf8(s, &k);
  }
  return Status::OK();
}

Status Levenshtein(const KernelArgs& in, Vector* out) {
  std::vector<uint32_t> a, b;
  std::vector<int64_t> prev, cur;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    a.clear();
    b.clear();
    std::string_view x = Arg(in, 0).strs()[i], y = Arg(in, 1).strs()[i];
    for (size_t k = 0; k < x.size();) a.push_back(kernel::DecodeUtf8(x, &k));
    for (size_t k = 0; k < y.size();) b.push_back(kernel::DecodeUtf8(y, &k));
    if (a.size() * b.size() > 1'000'000)
      return QueryFailed("The combined inputs for Levenshtein distance are too large");
    prev.assign(b.size() + 1, 0);
    cur.assign(b.size() + 1, 0);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int64_t>(j);
    for (size_t p = 1; p <= a.size(); ++p) {
      cur[0] = static_cast<int64_t>(p);
      for (size_t j = 1; j <= b.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[p - 1] != b[j - 1])});
      }
      std::swap(prev, cur);
    }
    out->i64()[i] = prev[b.size()];
  }
  return Status::OK();
}

// ---- LIKE ------------------------------------------------------------------------------------

struct LikeData : FunctionData {
  LikePattern pattern;
};

Status LikeKernel(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  if (in.data != nullptr) {
    const LikePattern& p = static_cast<const LikeData*>(in.data)->pattern;
    for (size_t i = 0; i < in.count; ++i) out->bools()[i] = p.Match(a.strs()[i]);
    return Status::OK();
  }
  // Patterns that vary per row: compile when the pattern changes.
  std::optional<LikePattern> cached;
  std::string cached_text, cached_escape;
  bool has_escape = in.args.size() > 2;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view pat = Arg(in, 1).strs()[i];
    std::string_view esc = has_escape ? Arg(in, 2).strs()[i] : std::string_view();
    if (!cached || pat != cached_text || esc != cached_escape) {
      auto compiled = LikePattern::Compile(pat, has_escape, esc);
      if (!compiled.ok()) return QueryFailed(compiled.status().message());
      cached = std::move(*compiled);
      cached_text.assign(pat);
      cached_escape.assign(esc);
    }
    out->bools()[i] = cached->Match(a.strs()[i]);
  }
  return Status::OK();
}

Result<BoundFunction> BindLike(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() < 2 || args.types.size() > 3) return WrongArguments(def, args);
  for (const Type& t : args.types) {
    if (!CanCoerce(t, V)) {
      return InvalidQuery(args.pos,
                          "Left side of LIKE expression must evaluate to a varchar (actual: " +
                              args.types[0].ToString() + ")");
    }
  }
  BoundFunction f =
      Bound(def, std::vector<Type>(args.types.size(), V), Type::Boolean(), LikeKernel);
  const std::string* pat = kernel::ConstantString(args, 1);
  bool escape_constant = args.types.size() == 2 || kernel::ConstantString(args, 2) != nullptr;
  if (pat != nullptr && escape_constant) {
    const std::string* esc = args.types.size() > 2 ? kernel::ConstantString(args, 2) : nullptr;
    auto compiled = LikePattern::Compile(*pat, esc != nullptr,
                                         esc ? std::string_view(*esc) : std::string_view());
    if (!compiled.ok()) return InvalidQuery(args.pos, compiled.status().message());
    auto data = std::make_shared<LikeData>();
    data->pattern = std::move(*compiled);
    f.data = std::move(data);
  }
  return f;
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* r) {
  const Type Bo = Type::Boolean();
  AddFixed(r, "lower", {{{V}, V, MapAscii<ToLower>}});
  AddFixed(r, "upper", {{{V}, V, MapAscii<ToUpper>}});
  AddFixed(r, "length", {{{V}, B, Length}});
  AddFixed(r, "substr", {{{V, B}, V, Substr}, {{V, B, B}, V, Substr}});
  r->AddAlias("substring", "substr");
  AddFixed(r, "strpos", {{{V, V}, B, Strpos}, {{V, V, B}, B, Strpos}});
  AddGeneric(r, "concat", BindConcat, "concat(varchar...) or concat(array(T)...)");
  {
    Overload o{{V, V}, V, ConcatWs, NullHandling::kCustom, /*variadic=*/true};
    AddFixed(r, "concat_ws", {o});
  }
  AddFixed(r, "replace", {{{V, V}, V, Replace}, {{V, V, V}, V, Replace}});
  AddFixed(r, "split_part", {{{V, V, B}, V, SplitPart}});
  AddFixed(r, "split", {{{V, V}, Type::Array(V), Split}, {{V, V, B}, Type::Array(V), Split}});
  AddFixed(r, "trim", {{{V}, V, Trim<true, true>}, {{V, V}, V, Trim<true, true>}});
  AddFixed(r, "ltrim", {{{V}, V, Trim<true, false>}, {{V, V}, V, Trim<true, false>}});
  AddFixed(r, "rtrim", {{{V}, V, Trim<false, true>}, {{V, V}, V, Trim<false, true>}});
  AddGeneric(r, "reverse", BindReverse, "reverse(varchar) or reverse(array(T))");
  AddFixed(r, "starts_with", {{{V, V}, Bo, StartsWith}});
  AddFixed(r, "ends_with", {{{V, V}, Bo, EndsWith}});
  AddFixed(r, "lpad", {{{V, B, V}, V, Pad<true>}});
  AddFixed(r, "rpad", {{{V, B, V}, V, Pad<false>}});
  AddFixed(r, "chr", {{{B}, V, Chr}});
  AddFixed(r, "codepoint", {{{V}, B, Codepoint}});
  AddFixed(r, "levenshtein_distance", {{{V, V}, B, Levenshtein}});
  AddGeneric(r, "$like", BindLike, "varchar LIKE varchar [ESCAPE varchar]");
}

}  // namespace cairn::sql
