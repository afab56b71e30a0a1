// JSON functions. Documents may be json or varchar (Trino accepts both). A malformed document
// gives NULL (json_extract*, json_array_*), except json_parse and is_json_scalar, which fail.
#include <cmath>
#include <optional>

#include "sql/functions/json_util.h"
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

using kernel::AddFixed;
using kernel::Arg;
using kernel::Bound;

const Type V = Type::Varchar();
const Type J = Type::Json();
const Type B = Type::Bigint();
const Type Bo = Type::Boolean();

struct PathData : FunctionData {
  JsonPath path;
};

class PathSource {
 public:
  explicit PathSource(const KernelArgs& in) : in_(in) {
    if (in.data) fixed_ = &static_cast<const PathData*>(in.data)->path;
  }
  Result<const JsonPath*> For(size_t i) {
    if (fixed_) return fixed_;
    std::string_view p = Arg(in_, 1).strs()[i];
    if (!valid_ || p != text_) {
      std::string error;
      if (!ParseJsonPath(p, &cached_, &error))
        return QueryFailed("Invalid JSON path: '" + std::string(p) + "': " + error);
      text_.assign(p);
      valid_ = true;
    }
    return &cached_;
  }

 private:
  const KernelArgs& in_;
  const JsonPath* fixed_ = nullptr;
  JsonPath cached_;
  std::string text_;
  bool valid_ = false;
};

Result<BoundFunction> BindPathFunction(const ScalarFunctionDef& def, const BindArgs& args) {
  ASSIGN_OR_RETURN(BoundFunction f, ResolveOverloads(def, args));
  if (const std::string* p = kernel::ConstantString(args, 1)) {
    auto data = std::make_shared<PathData>();
    std::string error;
    if (!ParseJsonPath(*p, &data->path, &error)) {
      return InvalidQuery(args.pos, "Invalid JSON path: '" + *p + "': " + error);
    }
    f.data = std::move(data);
  }
  return f;
}

Status JsonExtract(const KernelArgs& in, Vector* out) {
  PathSource paths(in);
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const JsonPath* path, paths.For(i));
    std::string_view raw;
    buf.clear();
    if (!JsonFind(Arg(in, 0).strs()[i], *path, &raw) || !JsonCanonical(raw, false, &buf)) {
      out->SetNull(i);
      continue;
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status JsonExtractScalar(const KernelArgs& in, Vector* out) {
  PathSource paths(in);
  const Vector& doc = Arg(in, 0);
  out->ShareStringsOf(doc);
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const JsonPath* path, paths.For(i));
    std::string_view raw;
    if (!JsonFind(doc.strs()[i], *path, &raw)) {
      out->SetNull(i);
      continue;
    }
    // Strings without escapes are returned as a view into the document.
    if (raw.size() >= 2 && raw[0] == '"' && raw.back() == '"' &&
        raw.find('\\') == std::string_view::npos) {
      out->strs()[i] = raw.substr(1, raw.size() - 2);
      continue;
    }
    if (!JsonScalarText(raw, &buf)) {
      out->SetNull(i);
      continue;
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status JsonSize(const KernelArgs& in, Vector* out) {
  PathSource paths(in);
  std::vector<std::pair<std::string_view, std::string_view>> members;
  std::vector<std::string_view> elements;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(const JsonPath* path, paths.For(i));
    std::string_view raw;
    if (!JsonFind(Arg(in, 0).strs()[i], *path, &raw)) {
      out->SetNull(i);
      continue;
    }
    switch (JsonKindOf(raw)) {
      case JsonKind::kObject:
        if (!JsonObjectMembers(raw, &members)) {
          out->SetNull(i);
        } else {
          out->i64()[i] = static_cast<int64_t>(members.size());
        }
        break;
      case JsonKind::kArray:
        if (!JsonArrayElements(raw, &elements)) {
          out->SetNull(i);
        } else {
          out->i64()[i] = static_cast<int64_t>(elements.size());
        }
        break;
      default:
        out->i64()[i] = 0;
        break;
    }
  }
  return Status::OK();
}

Status JsonParse(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    buf.clear();
    if (!JsonCanonical(s, true, &buf)) {
      return QueryFailed("Cannot convert value to JSON: '" + std::string(s.substr(0, 200)) + "'");
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Status JsonFormat(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  out->ShareStringsOf(a);
  for (size_t i = 0; i < in.count; ++i) out->strs()[i] = a.strs()[i];
  return Status::OK();
}

Status IsJsonScalar(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    buf.clear();
    if (!JsonCanonical(s, false, &buf))
      return QueryFailed("Invalid JSON value: " + std::string(s.substr(0, 200)));
    JsonKind k = JsonKindOf(s);
    out->bools()[i] = k != JsonKind::kObject && k != JsonKind::kArray;
  }
  return Status::OK();
}

Status JsonArrayLength(const KernelArgs& in, Vector* out) {
  std::vector<std::string_view> elements;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (!JsonArrayElements(Arg(in, 0).strs()[i], &elements)) {
      out->SetNull(i);
    } else {
      out->i64()[i] = static_cast<int64_t>(elements.size());
    }
  }
  return Status::OK();
}

Status JsonArrayGet(const KernelArgs& in, Vector* out) {
  std::vector<std::string_view> elements;
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    int64_t index = Arg(in, 1).i64()[i];
    if (!JsonArrayElements(Arg(in, 0).strs()[i], &elements)) {
      out->SetNull(i);
      continue;
    }
    int64_t n = static_cast<int64_t>(elements.size());
    if (index < 0) index += n;
    if (index < 0 || index >= n) {
      out->SetNull(i);
      continue;
    }
    buf.clear();
    if (!JsonCanonical(elements[static_cast<size_t>(index)], false, &buf)) {
      out->SetNull(i);
      continue;
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

// json_array_contains(doc, value): whether some element equals value (same JSON kind).
Status JsonArrayContains(const KernelArgs& in, Vector* out) {
  std::vector<std::string_view> elements;
  const Vector& v = Arg(in, 1);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (!JsonArrayElements(Arg(in, 0).strs()[i], &elements)) {
      out->SetNull(i);
      continue;
    }
    bool found = false;
    for (std::string_view e : elements) {
      Value ev;
      switch (v.type().id()) {
        case TypeId::kBoolean:
          found = JsonKindOf(e) == JsonKind::kBoolean && JsonToValue(e, v.type(), &ev) &&
                  ev.boolean == (v.bools()[i] != 0);
          break;
        case TypeId::kBigint:
          found = JsonKindOf(e) == JsonKind::kNumber && JsonToValue(e, Type::Double(), &ev) &&
                  ev.f64 == static_cast<double>(v.i64()[i]) && std::trunc(ev.f64) == ev.f64;
          break;
        case TypeId::kDouble:
          found = JsonKindOf(e) == JsonKind::kNumber && JsonToValue(e, v.type(), &ev) &&
                  ev.f64 == v.f64()[i];
          break;
        default:
          found = JsonKindOf(e) == JsonKind::kString && JsonToValue(e, Type::Varchar(), &ev) &&
                  ev.str == v.strs()[i];
          break;
      }
      if (found) break;
    }
    out->bools()[i] = found;
  }
  return Status::OK();
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry* r) {
  auto path_fn = [&](const char* name, Type result, ScalarKernel k) {
    ScalarFunctionDef def;
    def.name = name;
    def.overloads = {{{J, V}, result, k}, {{V, V}, result, k}};
    def.bind = BindPathFunction;
    r->AddScalar(std::move(def));
  };
  path_fn("json_extract", J, JsonExtract);
  path_fn("json_extract_scalar", V, JsonExtractScalar);
  path_fn("json_size", B, JsonSize);
  AddFixed(r, "json_parse", {{{V}, J, JsonParse}});
  AddFixed(r, "json_format", {{{J}, V, JsonFormat}});
  AddFixed(r, "is_json_scalar", {{{J}, Bo, IsJsonScalar}, {{V}, Bo, IsJsonScalar}});
  AddFixed(r, "json_array_length", {{{J}, B, JsonArrayLength}, {{V}, B, JsonArrayLength}});
  AddFixed(r, "json_array_get", {{{J, B}, J, JsonArrayGet}, {{V, B}, J, JsonArrayGet}});
  std::vector<Overload> contains;
  for (const Type& doc : {J, V}) {
    for (const Type& value : {Bo, B, Type::Double(), V})
      contains.push_back({{doc, value}, Bo, JsonArrayContains});
  }
  AddFixed(r, "json_array_contains", std::move(contains));
}

}  // namespace cairn::sql
