// Map functions. A map value is the text of a JSON object (see types.h and json_util.h): keys are
// the object's members, values are read in the map's value type. element_at on an array lives here
// too, as Trino's element_at serves both.
#include <string.h>

#include "sql/functions/json_util.h"
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

using kernel::AddGeneric;
using kernel::Arg;
using kernel::Bound;

Status MapElementAt(const KernelArgs& in, Vector* out) {
  const Vector& m = Arg(in, 0);
  out->ShareStringsOf(m);  // string values may point into the map's text
  // Most maps lack the key asked for (requestParameters of other APIs): when the quoted key does
  // not occur in the text at all, it cannot be a member, and the JSON need not be parsed. Texts
  // with escapes are always parsed (a key could be spelled with \u escapes).
  std::string needle;
  std::string_view needle_key;
  bool have_needle = false;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view text = m.strs()[i], key = Arg(in, 1).strs()[i];
    if (!have_needle || key != needle_key) {
      needle = "\"" + std::string(key) + "\"";
      needle_key = key;
      have_needle = key.find_first_of("\"\\") == std::string_view::npos;
      if (!have_needle) needle_key = std::string_view();
    }
    // memmem, not string_view::find: find scans for the needle's first byte, a quote, which
    // JSON text is full of; memmem's two-way search is several times faster on these texts.
    if (have_needle && text.find('\\') == std::string_view::npos &&
        memmem(text.data(), text.size(), needle.data(), needle.size()) == nullptr) {
      out->SetNullAndClear(i);
      continue;
    }
    RETURN_IF_ERROR(MapElement(text, key, out->type(), out, i));
  }
  return Status::OK();
}

// element_at(array, index): 1-based, negative from the end, NULL when out of range.
Status ArrayElementAt(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& elems = a.child(0);
  out->ShareStringsOf(elems);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    int64_t k = Arg(in, 1).i64()[i];
    const ListEntry& e = a.lists()[i];
    if (k == 0) return QueryFailed("SQL array indices start at 1");
    int64_t n = e.length;
    int64_t index = k > 0 ? k - 1 : n + k;
    if (index < 0 || index >= n) {
      out->SetNullAndClear(i);
      continue;
    }
    out->CopyRow(elems, e.offset + static_cast<size_t>(index), i);
  }
  return Status::OK();
}

Result<BoundFunction> BindElementAt(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2) return WrongArguments(def, args);
  const Type& c = args.types[0];
  if (c.id() == TypeId::kMap) {
    if (!CanCoerce(args.types[1], c.key())) return WrongArguments(def, args);
    return Bound(def, {c, c.key()}, c.value(), MapElementAt);
  }
  if (c.id() == TypeId::kArray) {
    if (!CanCoerce(args.types[1], Type::Bigint())) return WrongArguments(def, args);
    return Bound(def, {c, Type::Bigint()}, c.element(), ArrayElementAt);
  }
  return WrongArguments(def, args);
}

Status MapCardinality(const KernelArgs& in, Vector* out) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (!JsonObjectMembers(Arg(in, 0).strs()[i], &members)) {
      out->SetNull(i);
    } else {
      out->i64()[i] = static_cast<int64_t>(members.size());
    }
  }
  return Status::OK();
}

Status ArrayCardinality(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) out->i64()[i] = Arg(in, 0).lists()[i].length;
  return Status::OK();
}

Result<BoundFunction> BindCardinality(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1) return WrongArguments(def, args);
  const Type& t = args.types[0];
  if (t.id() == TypeId::kMap) return Bound(def, {t}, Type::Bigint(), MapCardinality);
  if (t.id() == TypeId::kArray) return Bound(def, {t}, Type::Bigint(), ArrayCardinality);
  return WrongArguments(def, args);
}

template <bool keys>
Status MapParts(const KernelArgs& in, Vector* out) {
  const Vector& m = Arg(in, 0);
  Vector& elems = out->child(0);
  elems.ShareStringsOf(m);
  const Type& value_type = m.type().value();
  std::vector<std::pair<std::string_view, std::string_view>> members;
  std::string key;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (!JsonObjectMembers(m.strs()[i], &members)) {
      out->SetNull(i);
      continue;
    }
    uint32_t start = static_cast<uint32_t>(elems.size());
    elems.Resize(start + members.size());
    for (size_t k = 0; k < members.size(); ++k) {
      size_t at = start + k;
      if (keys) {
        std::string_view raw = members[k].first;
        if (raw.find('\\') == std::string_view::npos) {
          elems.strs()[at] = raw.substr(1, raw.size() - 2);
        } else {
          size_t p = 0;
          JsonReadString(raw, &p, &key);
          elems.strs()[at] = elems.AddString(key);
        }
      } else {
        std::string_view raw = members[k].second;
        if (value_type.id() == TypeId::kVarchar && raw.size() >= 2 && raw[0] == '"' &&
            raw.find('\\') == std::string_view::npos) {
          elems.strs()[at] = raw.substr(1, raw.size() - 2);
          continue;
        }
        Value v;
        if (!MapValueFromJson(raw, value_type, &v)) v = Value::Null(value_type);
        elems.SetValue(at, v);
      }
    }
    out->lists()[i] = {start, static_cast<uint32_t>(members.size())};
  }
  return Status::OK();
}

Result<BoundFunction> BindMapKeys(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kMap)
    return WrongArguments(def, args);
  return Bound(def, {args.types[0]}, Type::Array(args.types[0].key()), MapParts<true>);
}

Result<BoundFunction> BindMapValues(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kMap)
    return WrongArguments(def, args);
  return Bound(def, {args.types[0]}, Type::Array(args.types[0].value()), MapParts<false>);
}

// map(keys, values): a map from two arrays of the same length.
Status MapFromArrays(const KernelArgs& in, Vector* out) {
  const Vector& ks = Arg(in, 0);
  const Vector& vs = Arg(in, 1);
  std::string text;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& ke = ks.lists()[i];
    const ListEntry& ve = vs.lists()[i];
    if (ke.length != ve.length) return QueryFailed("Key and value arrays must be the same length");
    text = "{";
    for (uint32_t k = 0; k < ke.length; ++k) {
      if (ks.child(0).IsNull(ke.offset + k)) return QueryFailed("map key cannot be null");
      std::string_view key = ks.child(0).strs()[ke.offset + k];
      for (uint32_t j = 0; j < k; ++j) {
        if (ks.child(0).strs()[ke.offset + j] == key) {
          return QueryFailed("Duplicate map keys (" + std::string(key) + ") are not allowed");
        }
      }
      if (k) text.push_back(',');
      JsonQuote(key, &text);
      text.push_back(':');
      Value v = vs.child(0).GetValue(ve.offset + k);
      if (!v.is_null && v.type.id() == TypeId::kJson) {
        text.append(v.str);
      } else {
        ValueToJson(v, &text);
      }
    }
    text.push_back('}');
    out->strs()[i] = out->AddString(text);
  }
  return Status::OK();
}

Result<BoundFunction> BindMap(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || args.types[0].id() != TypeId::kArray ||
      args.types[1].id() != TypeId::kArray ||
      !CanCoerce(args.types[0].element(), Type::Varchar())) {
    return WrongArguments(def, args);
  }
  Type value = args.types[1].element();
  if (value.id() == TypeId::kUnknown) value = Type::Varchar();
  return Bound(def, {Type::Array(Type::Varchar()), Type::Array(value)},
               Type::Map(Type::Varchar(), value), MapFromArrays);
}

}  // namespace

void RegisterMapFunctions(FunctionRegistry* r) {
  AddGeneric(r, "element_at", BindElementAt,
             "element_at(map(K, V), K) or element_at(array(T), bigint)");
  AddGeneric(r, "cardinality", BindCardinality, "cardinality(map(K, V)) or cardinality(array(T))");
  AddGeneric(r, "map_keys", BindMapKeys, "map_keys(map(K, V))");
  AddGeneric(r, "map_values", BindMapValues, "map_values(map(K, V))");
  AddGeneric(r, "map", BindMap, "map(array(varchar), array(V))");
}

}  // namespace cairn::sql
