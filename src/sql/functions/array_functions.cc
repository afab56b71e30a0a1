// Array functions, the ARRAY[...] and ROW(...) constructors, and the lambda functions (transform,
// filter, any_match, all_match, none_match). A lambda runs once per batch over all elements of all
// rows (see expression_eval.h).
#include <algorithm>
#include <unordered_set>

#include "sql/expression_eval.h"
#include "sql/functions/compare.h"
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

using kernel::AddGeneric;
using kernel::Arg;
using kernel::Bound;

// ARRAY[a, b, ...]: elements may be NULL; the array itself never is.
Status ArrayConstructor(const KernelArgs& in, Vector* out) {
  Vector& elems = out->child(0);
  size_t n = in.args.size();
  for (const Vector* a : in.args) elems.ShareStringsOf(*a);
  for (size_t i = 0; i < in.count; ++i) {
    uint32_t start = static_cast<uint32_t>(elems.size());
    elems.Resize(start + n);
    for (size_t k = 0; k < n; ++k) elems.CopyRow(*in.args[k], i, start + k);
    out->lists()[i] = {start, static_cast<uint32_t>(n)};
  }
  return Status::OK();
}

Result<BoundFunction> BindArrayConstructor(const ScalarFunctionDef& def, const BindArgs& args) {
  Type element = Type::Unknown();
  for (const Type& t : args.types) {
    auto c = CommonSuperType(element, t);
    if (!c) {
      return InvalidQuery(args.pos, "All ARRAY elements must be the same type: " +
                                        element.ToString() + ", " + t.ToString());
    }
    element = *c;
  }
  return Bound(def, std::vector<Type>(args.types.size(), element), Type::Array(element),
               ArrayConstructor, NullHandling::kCustom);
}

Status RowConstructor(const KernelArgs& in, Vector* out) {
  for (size_t k = 0; k < in.args.size(); ++k) {
    Vector& field = out->child(k);
    field.ShareStringsOf(*in.args[k]);
    for (size_t i = 0; i < in.count; ++i) field.CopyRow(*in.args[k], i, i);
  }
  return Status::OK();
}

Result<BoundFunction> BindRowConstructor(const ScalarFunctionDef& def, const BindArgs& args) {
  std::vector<std::pair<std::string, Type>> fields;
  for (const Type& t : args.types) fields.emplace_back("", t);
  return Bound(def, args.types, Type::Row(std::move(fields)), RowConstructor,
               NullHandling::kCustom);
}

Result<std::vector<Type>> ElementParam(size_t, const std::vector<Type>& types, SourcePos pos) {
  if (types.empty() || types[0].id() != TypeId::kArray) {
    return InvalidQuery(pos, "the first argument must be an array");
  }
  return std::vector<Type>{types[0].element()};
}

// The elements of the non-NULL rows of an array vector, with the row each belongs to.
void FlattenElements(const Vector& arr, size_t count, const Vector& valid, Vector* elems,
                     std::vector<uint32_t>* rows) {
  *elems = Vector(arr.type().element());
  rows->clear();
  for (size_t i = 0; i < count; ++i) {
    if (valid.IsNull(i)) continue;
    const ListEntry& e = arr.lists()[i];
    elems->AppendRange(arr.child(0), e.offset, e.length);
    rows->insert(rows->end(), e.length, static_cast<uint32_t>(i));
  }
}

Status Transform(const KernelArgs& in, Vector* out) {
  Vector elems;
  std::vector<uint32_t> rows;
  FlattenElements(Arg(in, 0), in.count, *out, &elems, &rows);
  const Vector* params[1] = {&elems};
  Vector& result = out->child(0);
  RETURN_IF_ERROR(in.lambdas[0](params, rows, elems.size(), &result));
  uint32_t at = 0;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    uint32_t len = Arg(in, 0).lists()[i].length;
    out->lists()[i] = {at, len};
    at += len;
  }
  return Status::OK();
}

Result<BoundFunction> BindTransform(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || args.types[0].id() != TypeId::kArray ||
      args.types[1].id() != TypeId::kFunction) {
    return WrongArguments(def, args);
  }
  const Type& result = *args.types[1].fields().back().type;
  return Bound(def, {args.types[0], args.types[1]}, Type::Array(result), Transform);
}

Status Filter(const KernelArgs& in, Vector* out) {
  Vector elems;
  std::vector<uint32_t> rows;
  FlattenElements(Arg(in, 0), in.count, *out, &elems, &rows);
  const Vector* params[1] = {&elems};
  Vector keep;
  RETURN_IF_ERROR(in.lambdas[0](params, rows, elems.size(), &keep));
  Vector& result = out->child(0);
  result.ShareStringsOf(elems);
  size_t k = 0;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    uint32_t len = Arg(in, 0).lists()[i].length;
    uint32_t start = static_cast<uint32_t>(result.size());
    for (uint32_t j = 0; j < len; ++j, ++k) {
      if (keep.IsValid(k) && keep.bools()[k]) result.AppendRange(elems, k, 1);
    }
    out->lists()[i] = {start, static_cast<uint32_t>(result.size()) - start};
  }
  return Status::OK();
}

Result<BoundFunction> BindFilter(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || args.types[0].id() != TypeId::kArray ||
      args.types[1].id() != TypeId::kFunction ||
      args.types[1].fields().back().type->id() != TypeId::kBoolean) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0], args.types[1]}, args.types[0], Filter);
}

enum class Match { kAny, kAll, kNone };

template <Match m>
Status MatchKernel(const KernelArgs& in, Vector* out) {
  Vector elems;
  std::vector<uint32_t> rows;
  FlattenElements(Arg(in, 0), in.count, *out, &elems, &rows);
  const Vector* params[1] = {&elems};
  Vector pred;
  RETURN_IF_ERROR(in.lambdas[0](params, rows, elems.size(), &pred));
  size_t k = 0;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    uint32_t len = Arg(in, 0).lists()[i].length;
    bool any_true = false, any_false = false, any_null = false;
    for (uint32_t j = 0; j < len; ++j, ++k) {
      if (pred.IsNull(k)) {
        any_null = true;
      } else if (pred.bools()[k]) {
        any_true = true;
      } else {
        any_false = true;
      }
    }
    bool decided;
    bool value = false;
    switch (m) {
      case Match::kAny:
        decided = any_true || !any_null;
        value = any_true;
        break;
      case Match::kAll:
        decided = any_false || !any_null;
        value = !any_false;
        break;
      case Match::kNone:
        decided = any_true || !any_null;
        value = !any_true;
        break;
    }
    if (decided) {
      out->bools()[i] = value;
    } else {
      out->SetNull(i);
    }
  }
  return Status::OK();
}

template <Match m>
Result<BoundFunction> BindMatch(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || args.types[0].id() != TypeId::kArray ||
      args.types[1].id() != TypeId::kFunction ||
      args.types[1].fields().back().type->id() != TypeId::kBoolean) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0], args.types[1]}, Type::Boolean(), MatchKernel<m>);
}

// contains(array, x): NULL when x is NULL, or when x is absent and the array holds a NULL.
Status Contains(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& x = Arg(in, 1);
  const Vector& elems = a.child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    bool found = false, saw_null = false;
    for (uint32_t k = 0; k < e.length && !found; ++k) {
      if (elems.IsNull(e.offset + k)) {
        saw_null = true;
      } else {
        found = ValuesEqual(elems, e.offset + k, x, i);
      }
    }
    if (found) {
      out->bools()[i] = 1;
    } else if (saw_null) {
      out->SetNull(i);
    }
  }
  return Status::OK();
}

Result<BoundFunction> BindArrayAndElement(const ScalarFunctionDef& def, const BindArgs& args,
                                          ScalarKernel k, Type result) {
  if (args.types.size() != 2 || args.types[0].id() != TypeId::kArray)
    return WrongArguments(def, args);
  auto common = CommonSuperType(args.types[0].element(), args.types[1]);
  if (!common || !IsComparable(*common)) return WrongArguments(def, args);
  if (result.id() == TypeId::kArray) result = Type::Array(*common);
  return Bound(def, {Type::Array(*common), *common}, result, k);
}

Result<BoundFunction> BindContains(const ScalarFunctionDef& def, const BindArgs& args) {
  return BindArrayAndElement(def, args, Contains, Type::Boolean());
}

// array_position(array, x): 1-based index of the first x, 0 when absent.
Status ArrayPosition(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& x = Arg(in, 1);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    int64_t pos = 0;
    for (uint32_t k = 0; k < e.length; ++k) {
      if (!a.child(0).IsNull(e.offset + k) && ValuesEqual(a.child(0), e.offset + k, x, i)) {
        pos = k + 1;
        break;
      }
    }
    out->i64()[i] = pos;
  }
  return Status::OK();
}

Result<BoundFunction> BindArrayPosition(const ScalarFunctionDef& def, const BindArgs& args) {
  return BindArrayAndElement(def, args, ArrayPosition, Type::Bigint());
}

Status ArrayRemove(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& x = Arg(in, 1);
  Vector& result = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    uint32_t start = static_cast<uint32_t>(result.size());
    for (uint32_t k = 0; k < e.length; ++k) {
      bool drop = !a.child(0).IsNull(e.offset + k) && ValuesEqual(a.child(0), e.offset + k, x, i);
      if (!drop) result.AppendRange(a.child(0), e.offset + k, 1);
    }
    out->lists()[i] = {start, static_cast<uint32_t>(result.size()) - start};
  }
  return Status::OK();
}

Result<BoundFunction> BindArrayRemove(const ScalarFunctionDef& def, const BindArgs& args) {
  return BindArrayAndElement(def, args, ArrayRemove, Type::Array(Type::Unknown()));
}

Status ArrayDistinct(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  Vector& result = out->child(0);
  std::unordered_set<std::string> seen;
  std::string key;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    uint32_t start = static_cast<uint32_t>(result.size());
    seen.clear();
    for (uint32_t k = 0; k < e.length; ++k) {
      key.clear();
      AppendKey(a.child(0), e.offset + k, &key);
      if (seen.insert(key).second) result.AppendRange(a.child(0), e.offset + k, 1);
    }
    out->lists()[i] = {start, static_cast<uint32_t>(result.size()) - start};
  }
  return Status::OK();
}

template <bool max>
Status ArrayExtreme(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& elems = a.child(0);
  out->ShareStringsOf(elems);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    int64_t best = -1;
    bool has_null = false;
    for (uint32_t k = 0; k < e.length; ++k) {
      size_t at = e.offset + k;
      if (elems.IsNull(at)) {
        has_null = true;
        break;
      }
      if (best < 0) {
        best = static_cast<int64_t>(at);
        continue;
      }
      int c = CompareValues(elems, at, elems, static_cast<size_t>(best));
      if (max ? c > 0 : c < 0) best = static_cast<int64_t>(at);
    }
    // Trino: NULL if the array is empty or holds a NULL.
    if (best < 0 || has_null) {
      out->SetNullAndClear(i);
    } else {
      out->CopyRow(elems, static_cast<size_t>(best), i);
    }
  }
  return Status::OK();
}

template <bool max>
Result<BoundFunction> BindArrayExtreme(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kArray ||
      !IsOrderable(args.types[0].element())) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0]}, args.types[0].element(), ArrayExtreme<max>);
}

Status ArraySort(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& elems = a.child(0);
  Vector& result = out->child(0);
  std::vector<uint32_t> order;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    order.resize(e.length);
    for (uint32_t k = 0; k < e.length; ++k) order[k] = e.offset + k;
    // NULLs last.
    std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      bool xn = elems.IsNull(x), yn = elems.IsNull(y);
      if (xn || yn) return !xn && yn;
      return CompareValues(elems, x, elems, y) < 0;
    });
    uint32_t start = static_cast<uint32_t>(result.size());
    for (uint32_t idx : order) result.AppendRange(elems, idx, 1);
    out->lists()[i] = {start, e.length};
  }
  return Status::OK();
}

Result<BoundFunction> BindArraySort(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kArray ||
      !IsOrderable(args.types[0].element())) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0]}, args.types[0], ArraySort);
}

Result<BoundFunction> BindSameArray(const ScalarFunctionDef& def, const BindArgs& args,
                                    ScalarKernel k) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kArray)
    return WrongArguments(def, args);
  return Bound(def, {args.types[0]}, args.types[0], k);
}
Result<BoundFunction> BindArrayDistinct(const ScalarFunctionDef& def, const BindArgs& args) {
  return BindSameArray(def, args, ArrayDistinct);
}

// slice(array, start, length): start 1-based (negative from the end).
Status Slice(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  Vector& result = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    int64_t start = Arg(in, 1).i64()[i], len = Arg(in, 2).i64()[i];
    if (start == 0) return QueryFailed("SQL array indices start at 1");
    if (len < 0) return QueryFailed("length must be greater than or equal to 0");
    int64_t n = e.length;
    int64_t from = start > 0 ? start - 1 : n + start;
    uint32_t at = static_cast<uint32_t>(result.size());
    if (from < 0 || from >= n) {
      out->lists()[i] = {at, 0};
      continue;
    }
    int64_t take = std::min(len, n - from);
    result.AppendRange(a.child(0), e.offset + static_cast<size_t>(from), static_cast<size_t>(take));
    out->lists()[i] = {at, static_cast<uint32_t>(take)};
  }
  return Status::OK();
}

Result<BoundFunction> BindSlice(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 3 || args.types[0].id() != TypeId::kArray ||
      !CanCoerce(args.types[1], Type::Bigint()) || !CanCoerce(args.types[2], Type::Bigint())) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0], Type::Bigint(), Type::Bigint()}, args.types[0], Slice);
}

// array_join(array, delimiter[, null_replacement]): elements as text; NULLs skipped unless
// replaced.
Status ArrayJoin(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& elems = a.child(0);
  bool has_null_rep = in.args.size() > 2;
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    std::string_view delim = Arg(in, 1).strs()[i];
    buf.clear();
    bool first = true;
    for (uint32_t k = 0; k < e.length; ++k) {
      size_t at = e.offset + k;
      std::string_view piece;
      if (elems.IsNull(at)) {
        if (!has_null_rep) continue;
        piece = Arg(in, 2).strs()[i];
      } else {
        piece = elems.strs()[at];
      }
      if (!first) buf.append(delim);
      first = false;
      buf.append(piece);
    }
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

Result<BoundFunction> BindArrayJoin(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() < 2 || args.types.size() > 3 || args.types[0].id() != TypeId::kArray) {
    return WrongArguments(def, args);
  }
  // Non-varchar elements are cast to varchar first.
  if (!CanCoerce(args.types[0].element(), Type::Varchar()) && !IsNumeric(args.types[0].element()) &&
      args.types[0].element().id() != TypeId::kBoolean &&
      args.types[0].element().id() != TypeId::kTimestamp &&
      args.types[0].element().id() != TypeId::kDate) {
    return WrongArguments(def, args);
  }
  std::vector<Type> types = {Type::Array(Type::Varchar()), Type::Varchar()};
  if (args.types.size() == 3) types.push_back(Type::Varchar());
  return Bound(def, std::move(types), Type::Varchar(), ArrayJoin);
}

Status Flatten(const KernelArgs& in, Vector* out) {
  const Vector& a = Arg(in, 0);
  const Vector& inner = a.child(0);
  Vector& result = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    const ListEntry& e = a.lists()[i];
    uint32_t start = static_cast<uint32_t>(result.size());
    for (uint32_t k = 0; k < e.length; ++k) {
      if (inner.IsNull(e.offset + k)) continue;
      const ListEntry& ie = inner.lists()[e.offset + k];
      result.AppendRange(inner.child(0), ie.offset, ie.length);
    }
    out->lists()[i] = {start, static_cast<uint32_t>(result.size()) - start};
  }
  return Status::OK();
}

Result<BoundFunction> BindFlatten(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1 || args.types[0].id() != TypeId::kArray ||
      args.types[0].element().id() != TypeId::kArray) {
    return WrongArguments(def, args);
  }
  return Bound(def, {args.types[0]}, args.types[0].element(), Flatten);
}

// sequence(start, stop[, step]) over bigint; at most 10,000 elements, as in Trino.
Status Sequence(const KernelArgs& in, Vector* out) {
  Vector& result = out->child(0);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    int64_t start = Arg(in, 0).i64()[i], stop = Arg(in, 1).i64()[i];
    int64_t step = in.args.size() > 2 ? Arg(in, 2).i64()[i] : (stop >= start ? 1 : -1);
    if (step == 0) return QueryFailed("step must not be zero");
    if ((stop > start && step < 0) || (stop < start && step > 0)) {
      return QueryFailed(
          "sequence stop value should be greater than or equal to start value if step is greater "
          "than zero otherwise stop should be less than or equal to start");
    }
    __int128 count = (static_cast<__int128>(stop) - start) / step + 1;
    if (count > 10000)
      return QueryFailed("result of sequence function must not have more than 10000 entries");
    uint32_t at = static_cast<uint32_t>(result.size());
    result.Resize(at + static_cast<size_t>(count));
    for (int64_t k = 0; k < count; ++k) result.i64()[at + k] = start + k * step;
    out->lists()[i] = {at, static_cast<uint32_t>(count)};
  }
  return Status::OK();
}

Status Repeat(const KernelArgs& in, Vector* out) {
  Vector& result = out->child(0);
  result.ShareStringsOf(Arg(in, 0));
  for (size_t i = 0; i < in.count; ++i) {
    int64_t n = Arg(in, 1).IsNull(i) ? -1 : Arg(in, 1).i64()[i];
    if (Arg(in, 1).IsNull(i)) {
      out->SetNull(i);
      continue;
    }
    if (n < 0)
      return QueryFailed("count argument of repeat function must be greater than or equal to 0");
    if (n > 10000)
      return QueryFailed("count argument of repeat function must be less than or equal to 10000");
    uint32_t at = static_cast<uint32_t>(result.size());
    result.Resize(at + static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) result.CopyRow(Arg(in, 0), i, at + static_cast<size_t>(k));
    out->lists()[i] = {at, static_cast<uint32_t>(n)};
  }
  return Status::OK();
}

Result<BoundFunction> BindRepeat(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || !CanCoerce(args.types[1], Type::Bigint()))
    return WrongArguments(def, args);
  Type element = args.types[0];
  return Bound(def, {element, Type::Bigint()}, Type::Array(element), Repeat, NullHandling::kCustom);
}

}  // namespace

void RegisterArrayFunctions(FunctionRegistry* r) {
  AddGeneric(r, "$array", BindArrayConstructor, "ARRAY[T, ...]");
  AddGeneric(r, "$row", BindRowConstructor, "ROW(...)");
  AddGeneric(r, "transform", BindTransform, "transform(array(T), function(T, U))", ElementParam);
  AddGeneric(r, "filter", BindFilter, "filter(array(T), function(T, boolean))", ElementParam);
  AddGeneric(r, "any_match", BindMatch<Match::kAny>, "any_match(array(T), function(T, boolean))",
             ElementParam);
  AddGeneric(r, "all_match", BindMatch<Match::kAll>, "all_match(array(T), function(T, boolean))",
             ElementParam);
  AddGeneric(r, "none_match", BindMatch<Match::kNone>, "none_match(array(T), function(T, boolean))",
             ElementParam);
  AddGeneric(r, "contains", BindContains, "contains(array(T), T)");
  AddGeneric(r, "array_position", BindArrayPosition, "array_position(array(T), T)");
  AddGeneric(r, "array_remove", BindArrayRemove, "array_remove(array(T), T)");
  AddGeneric(r, "array_distinct", BindArrayDistinct, "array_distinct(array(T))");
  AddGeneric(r, "array_max", BindArrayExtreme<true>, "array_max(array(T))");
  AddGeneric(r, "array_min", BindArrayExtreme<false>, "array_min(array(T))");
  AddGeneric(r, "array_sort", BindArraySort, "array_sort(array(T))");
  AddGeneric(r, "slice", BindSlice, "slice(array(T), bigint, bigint)");
  AddGeneric(r, "array_join", BindArrayJoin, "array_join(array(T), varchar[, varchar])");
  AddGeneric(r, "flatten", BindFlatten, "flatten(array(array(T)))");
  kernel::AddFixed(
      r, "sequence",
      {{{Type::Bigint(), Type::Bigint()}, Type::Array(Type::Bigint()), Sequence},
       {{Type::Bigint(), Type::Bigint(), Type::Bigint()}, Type::Array(Type::Bigint()), Sequence}});
  AddGeneric(r, "repeat", BindRepeat, "repeat(T, bigint)");
}

}  // namespace cairn::sql
