// Regular expression functions over the Pike VM of regex.h. A constant pattern is compiled once
// when the query is bound (an invalid one is an InvalidQueryStatementException); a pattern that
// varies per row is compiled when it changes.
#include <optional>

#include "sql/functions/kernel_util.h"
#include "sql/functions/regex.h"

namespace cairn::sql {
namespace {

using kernel::Arg;
using kernel::Bound;

const Type V = Type::Varchar();
const Type B = Type::Bigint();

struct RegexData : FunctionData {
  Regex regex;
};

// Yields the compiled pattern for row i: the bind-time one, or a per-row compile with a cache.
class PatternSource {
 public:
  explicit PatternSource(const KernelArgs& in) : in_(in) {
    if (in.data) fixed_ = &static_cast<const RegexData*>(in.data)->regex;
  }
  Result<const Regex*> For(size_t i) {
    if (fixed_) return fixed_;
    std::string_view p = Arg(in_, 1).strs()[i];
    if (!cached_ || p != text_) {
      auto r = Regex::Compile(p);
      if (!r.ok()) return QueryFailed(r.status().message());
      cached_.emplace(std::move(*r));
      text_.assign(p);
    }
    return &*cached_;
  }

 private:
  const KernelArgs& in_;
  const Regex* fixed_ = nullptr;
  std::optional<Regex> cached_;
  std::string text_;
};

Status CheckGroup(const Regex& re, int64_t g) {
  if (g < 0) return QueryFailed("Group cannot be negative");
  if (g > re.group_count()) {
    return QueryFailed("Pattern has " + std::to_string(re.group_count()) +
                       " groups. Cannot access group " + std::to_string(g));
  }
  return Status::OK();
}

Status RegexpLike(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    out->bools()[i] = re->Search(Arg(in, 0).strs()[i], 0, nullptr);
  }
  return Status::OK();
}

Status RegexpExtract(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  const Vector& a = Arg(in, 0);
  out->ShareStringsOf(a);
  std::vector<int64_t> g;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    int64_t group = in.args.size() > 2 ? Arg(in, 2).i64()[i] : 0;
    RETURN_IF_ERROR(CheckGroup(*re, group));
    std::string_view s = a.strs()[i];
    if (!re->Search(s, 0, &g) || g[2 * group] < 0) {
      out->SetNull(i);
      continue;
    }
    out->strs()[i] = s.substr(static_cast<size_t>(g[2 * group]),
                              static_cast<size_t>(g[2 * group + 1] - g[2 * group]));
  }
  return Status::OK();
}

// Calls fn(groups) for each non-overlapping match of re in s.
template <class F>
void ForEachMatch(const Regex& re, std::string_view s, F fn) {
  std::vector<int64_t> g;
  size_t from = 0;
  while (from <= s.size() && re.Search(s, from, &g)) {
    fn(g);
    size_t end = static_cast<size_t>(g[1]);
    if (end == static_cast<size_t>(g[0])) {
      // Empty match: step over one code point.
      if (end >= s.size()) break;
      kernel::DecodeUtf8(s, &end);
    }
    from = end;
  }
}

Status RegexpExtractAll(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  const Vector& a = Arg(in, 0);
  Vector& elems = out->child(0);
  elems.ShareStringsOf(a);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    int64_t group = in.args.size() > 2 ? Arg(in, 2).i64()[i] : 0;
    RETURN_IF_ERROR(CheckGroup(*re, group));
    std::string_view s = a.strs()[i];
    uint32_t start = static_cast<uint32_t>(elems.size());
    ForEachMatch(*re, s, [&](const std::vector<int64_t>& g) {
      size_t at = elems.size();
      elems.Resize(at + 1);
      if (g[2 * group] < 0) {
        elems.SetNullAndClear(at);
      } else {
        elems.strs()[at] = s.substr(static_cast<size_t>(g[2 * group]),
                                    static_cast<size_t>(g[2 * group + 1] - g[2 * group]));
      }
    });
    out->lists()[i] = {start, static_cast<uint32_t>(elems.size()) - start};
  }
  return Status::OK();
}

// Expands $n, ${name} and \x escapes of a replacement string for one match.
Status AppendReplacement(const Regex& re, std::string_view s, const std::vector<int64_t>& g,
                         std::string_view rep, std::string* out) {
  for (size_t k = 0; k < rep.size(); ++k) {
    char c = rep[k];
    if (c == '\\' && k + 1 < rep.size()) {
      out->push_back(rep[++k]);
    } else if (c == '$' && k + 1 < rep.size()) {
      int group = -1;
      if (rep[k + 1] == '{') {
        size_t close = rep.find('}', k + 2);
        if (close == std::string_view::npos)
          return QueryFailed("Illegal replacement: unterminated group name");
        group = re.GroupIndex(rep.substr(k + 2, close - k - 2));
        if (group < 0)
          return QueryFailed("Illegal replacement: no group named " +
                             std::string(rep.substr(k + 2, close - k - 2)));
        k = close;
      } else if (rep[k + 1] >= '0' && rep[k + 1] <= '9') {
        group = rep[++k] - '0';
        // Take more digits while they still name a group (Java's rule).
        while (k + 1 < rep.size() && rep[k + 1] >= '0' && rep[k + 1] <= '9' &&
               group * 10 + (rep[k + 1] - '0') <= re.group_count()) {
          group = group * 10 + (rep[++k] - '0');
        }
        if (group > re.group_count()) {
          return QueryFailed("Illegal group reference: group " + std::to_string(group) +
                             " does not exist");
        }
      } else {
        return QueryFailed("Illegal group reference in replacement");
      }
      if (g[2 * group] >= 0) {
        out->append(s.substr(static_cast<size_t>(g[2 * group]),
                             static_cast<size_t>(g[2 * group + 1] - g[2 * group])));
      }
    } else {
      out->push_back(c);
    }
  }
  return Status::OK();
}

Status RegexpReplace(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  const Vector& a = Arg(in, 0);
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    std::string_view s = a.strs()[i];
    std::string_view rep = in.args.size() > 2 ? Arg(in, 2).strs()[i] : std::string_view();
    buf.clear();
    size_t copied = 0;
    Status st;
    ForEachMatch(*re, s, [&](const std::vector<int64_t>& g) {
      if (!st.ok()) return;
      buf.append(s.substr(copied, static_cast<size_t>(g[0]) - copied));
      st = AppendReplacement(*re, s, g, rep, &buf);
      copied = static_cast<size_t>(g[1]);
    });
    RETURN_IF_ERROR(st);
    buf.append(s.substr(copied));
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status RegexpCount(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    int64_t n = 0;
    ForEachMatch(*re, Arg(in, 0).strs()[i], [&](const std::vector<int64_t>&) { ++n; });
    out->i64()[i] = n;
  }
  return Status::OK();
}

// regexp_position(s, pattern[, start[, occurrence]]): 1-based code point position, -1 if none.
Status RegexpPosition(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  std::vector<int64_t> g;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    std::string_view s = Arg(in, 0).strs()[i];
    int64_t start = in.args.size() > 2 ? Arg(in, 2).i64()[i] : 1;
    int64_t occurrence = in.args.size() > 3 ? Arg(in, 3).i64()[i] : 1;
    if (start < 1) return QueryFailed("start must be greater than or equal to 1");
    if (occurrence < 1) return QueryFailed("occurrence must be greater than or equal to 1");
    size_t from = kernel::Utf8Offset(s, static_cast<size_t>(start - 1));
    int64_t found = -1;
    int64_t seen = 0;
    while (from <= s.size() && re->Search(s, from, &g)) {
      if (++seen == occurrence) {
        found =
            static_cast<int64_t>(kernel::Utf8Length(s.substr(0, static_cast<size_t>(g[0])))) + 1;
        break;
      }
      size_t end = static_cast<size_t>(g[1]);
      if (end == static_cast<size_t>(g[0])) {
        if (end >= s.size()) break;
        kernel::DecodeUtf8(s, &end);
      }
      from = end;
    }
    out->i64()[i] = found;
  }
  return Status::OK();
}

Status RegexpSplit(const KernelArgs& in, Vector* out) {
  PatternSource src(in);
  const Vector& a = Arg(in, 0);
  Vector& elems = out->child(0);
  elems.ShareStringsOf(a);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const Regex* re, src.For(i));
    std::string_view s = a.strs()[i];
    uint32_t start = static_cast<uint32_t>(elems.size());
    size_t piece = 0;
    ForEachMatch(*re, s, [&](const std::vector<int64_t>& g) {
      size_t at = elems.size();
      elems.Resize(at + 1);
      elems.strs()[at] = s.substr(piece, static_cast<size_t>(g[0]) - piece);
      piece = static_cast<size_t>(g[1]);
    });
    size_t at = elems.size();
    elems.Resize(at + 1);
    elems.strs()[at] = s.substr(piece);
    out->lists()[i] = {start, static_cast<uint32_t>(elems.size()) - start};
  }
  return Status::OK();
}

struct RegexpSpec {
  const char* name;
  std::vector<std::vector<Type>> arities;  // accepted argument lists
  Type result;
  ScalarKernel kernel;
};

const std::vector<RegexpSpec>& Specs() {
  static const std::vector<RegexpSpec>* const specs = new std::vector<RegexpSpec>{
      {"regexp_like", {{V, V}}, Type::Boolean(), RegexpLike},
      {"regexp_extract", {{V, V}, {V, V, B}}, V, RegexpExtract},
      {"regexp_extract_all", {{V, V}, {V, V, B}}, Type::Array(V), RegexpExtractAll},
      {"regexp_replace", {{V, V}, {V, V, V}}, V, RegexpReplace},
      {"regexp_count", {{V, V}}, B, RegexpCount},
      {"regexp_position", {{V, V}, {V, V, B}, {V, V, B, B}}, B, RegexpPosition},
      {"regexp_split", {{V, V}}, Type::Array(V), RegexpSplit},
  };
  return *specs;
}

Result<BoundFunction> BindRegexp(const ScalarFunctionDef& def, const BindArgs& args) {
  ASSIGN_OR_RETURN(BoundFunction f, ResolveOverloads(def, args));
  if (const std::string* pattern = kernel::ConstantString(args, 1)) {
    auto re = Regex::Compile(*pattern);
    if (!re.ok()) return InvalidQuery(args.pos, re.status().message());
    auto data = std::make_shared<RegexData>();
    data->regex = std::move(*re);
    f.data = std::move(data);
  }
  return f;
}

}  // namespace

void RegisterRegexpFunctions(FunctionRegistry* r) {
  for (const RegexpSpec& spec : Specs()) {
    ScalarFunctionDef def;
    def.name = spec.name;
    for (const auto& arity : spec.arities)
      def.overloads.push_back({arity, spec.result, spec.kernel});
    def.bind = BindRegexp;
    r->AddScalar(std::move(def));
  }
}

}  // namespace cairn::sql
