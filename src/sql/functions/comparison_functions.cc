// Comparison operators: = <> < <= > >= BETWEEN, IS DISTINCT FROM; and the value comparisons of
// compare.h that sorting, grouping and joins share.
#include <cmath>

#include "sql/function_registry.h"
#include "sql/functions/compare.h"

namespace cairn::sql {

int CompareValues(const Vector& a, size_t i, const Vector& b, size_t j) {
  switch (a.type().id()) {
    case TypeId::kUnknown:
      return 0;
    case TypeId::kBoolean:
      return static_cast<int>(a.bools()[i] != 0) - static_cast<int>(b.bools()[j] != 0);
    case TypeId::kDouble: {
      double x = a.f64()[i], y = b.f64()[j];
      bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn || yn) return static_cast<int>(xn) - static_cast<int>(yn);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap: {
      int c = a.strs()[i].compare(b.strs()[j]);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case TypeId::kArray: {
      const ListEntry& x = a.lists()[i];
      const ListEntry& y = b.lists()[j];
      const Vector& xa = a.child(0);
      const Vector& ya = b.child(0);
      for (uint32_t k = 0; k < x.length && k < y.length; ++k) {
        bool xn = xa.IsNull(x.offset + k), yn = ya.IsNull(y.offset + k);
        if (xn || yn) {
          if (xn != yn) return xn ? -1 : 1;
          continue;
        }
        int c = CompareValues(xa, x.offset + k, ya, y.offset + k);
        if (c) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    case TypeId::kRow:
      for (size_t k = 0; k < a.child_count(); ++k) {
        const Vector& x = a.child(k);
        const Vector& y = b.child(k);
        bool xn = x.IsNull(i), yn = y.IsNull(j);
        if (xn || yn) {
          if (xn != yn) return xn ? -1 : 1;
          continue;
        }
        int c = CompareValues(x, i, y, j);
        if (c) return c;
      }
      return 0;
    case TypeId::kFunction:
      return 0;
    default: {
      int64_t x = a.i64()[i], y = b.i64()[j];
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

bool ValuesEqual(const Vector& a, size_t i, const Vector& b, size_t j) {
  switch (a.type().id()) {
    case TypeId::kDouble:
      return a.f64()[i] == b.f64()[j];
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return a.strs()[i] == b.strs()[j];
    case TypeId::kBoolean:
      return (a.bools()[i] != 0) == (b.bools()[j] != 0);
    case TypeId::kArray:
    case TypeId::kRow:
      return CompareValues(a, i, b, j) == 0;
    case TypeId::kUnknown:
    case TypeId::kFunction:
      return false;
    default:
      return a.i64()[i] == b.i64()[j];
  }
}

namespace {

struct Eq {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a == b;
  }
};
struct Ne {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return !(a == b);
  }
};
struct Lt {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a < b;
  }
};
struct Le {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a <= b;
  }
};
struct Gt {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return b < a;
  }
};
struct Ge {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return b <= a;
  }
};

// Flat loops: NULL rows hold zero values and are masked by the evaluator, so no branches.
template <class Op>
Status CompareInt64(const KernelArgs& in, Vector* out) {
  const int64_t* a = in.args[0]->i64();
  const int64_t* b = in.args[1]->i64();
  uint8_t* r = out->bools();
  Op op;
  for (size_t i = 0; i < in.count; ++i) r[i] = op(a[i], b[i]);
  return Status::OK();
}

template <class Op>
Status CompareDouble(const KernelArgs& in, Vector* out) {
  const double* a = in.args[0]->f64();
  const double* b = in.args[1]->f64();
  uint8_t* r = out->bools();
  Op op;
  for (size_t i = 0; i < in.count; ++i) r[i] = op(a[i], b[i]);
  return Status::OK();
}

template <class Op>
Status CompareBool(const KernelArgs& in, Vector* out) {
  const uint8_t* a = in.args[0]->bools();
  const uint8_t* b = in.args[1]->bools();
  uint8_t* r = out->bools();
  Op op;
  for (size_t i = 0; i < in.count; ++i) r[i] = op(a[i], b[i]);
  return Status::OK();
}

template <class Op>
Status CompareString(const KernelArgs& in, Vector* out) {
  const std::string_view* a = in.args[0]->strs();
  const std::string_view* b = in.args[1]->strs();
  uint8_t* r = out->bools();
  Op op;
  for (size_t i = 0; i < in.count; ++i) r[i] = op(a[i], b[i]);
  return Status::OK();
}

template <class Op>
Status CompareNested(const KernelArgs& in, Vector* out) {
  Op op;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    bool eq_only = std::is_same_v<Op, Eq> || std::is_same_v<Op, Ne>;
    int c = eq_only ? (ValuesEqual(*in.args[0], i, *in.args[1], i) ? 0 : 1)
                    : CompareValues(*in.args[0], i, *in.args[1], i);
    out->bools()[i] = op(c, 0);
  }
  return Status::OK();
}

template <class Op>
ScalarKernel CompareKernelFor(const Type& t) {
  switch (t.id()) {
    case TypeId::kDouble:
      return CompareDouble<Op>;
    case TypeId::kBoolean:
      return CompareBool<Op>;
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return CompareString<Op>;
    case TypeId::kArray:
    case TypeId::kRow:
    case TypeId::kUnknown:
      return CompareNested<Op>;
    default:
      return CompareInt64<Op>;
  }
}

template <class Op>
Result<BoundFunction> BindCompare(const ScalarFunctionDef& def, const BindArgs& args) {
  std::string_view shown = args.name;
  if (args.types.size() != 2) return WrongArguments(def, args);
  auto common = CommonSuperType(args.types[0], args.types[1]);
  bool ordering = !std::is_same_v<Op, Eq> && !std::is_same_v<Op, Ne>;
  if (!common) {
    return InvalidQuery(args.pos, "Cannot apply operator: " + args.types[0].ToString() + " " +
                                      std::string(shown) + " " + args.types[1].ToString());
  }
  if (ordering ? !IsOrderable(*common) : !IsComparable(*common)) {
    return InvalidQuery(args.pos, "Type " + common->ToString() + " is not " +
                                      (ordering ? "orderable" : "comparable") + " (operator " +
                                      std::string(shown) + ")");
  }
  BoundFunction f;
  f.name = def.name;
  f.arg_types = {*common, *common};
  f.result_type = Type::Boolean();
  f.kernel = CompareKernelFor<Op>(*common);
  return f;
}

template <class T>
Status BetweenFlat(const KernelArgs& in, Vector* out, const T* v, const T* lo, const T* hi) {
  uint8_t* r = out->bools();
  for (size_t i = 0; i < in.count; ++i) r[i] = !(v[i] < lo[i]) && !(hi[i] < v[i]);
  return Status::OK();
}

Status BetweenKernel(const KernelArgs& in, Vector* out) {
  const Vector& v = *in.args[0];
  const Vector& lo = *in.args[1];
  const Vector& hi = *in.args[2];
  switch (v.type().id()) {
    case TypeId::kDouble:
      return BetweenFlat(in, out, v.f64(), lo.f64(), hi.f64());
    case TypeId::kVarchar:
      return BetweenFlat(in, out, v.strs(), lo.strs(), hi.strs());
    case TypeId::kBoolean:
      return BetweenFlat(in, out, v.bools(), lo.bools(), hi.bools());
    default:
      if (IsInt64Physical(v.type())) return BetweenFlat(in, out, v.i64(), lo.i64(), hi.i64());
      for (size_t i = 0; i < in.count; ++i) {
        if (out->IsNull(i)) continue;
        out->bools()[i] = CompareValues(v, i, lo, i) >= 0 && CompareValues(v, i, hi, i) <= 0;
      }
      return Status::OK();
  }
}

Result<BoundFunction> BindBetween(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 3) return WrongArguments(def, args);
  auto common = CommonSuperType(args.types[0], args.types[1]);
  if (common) common = CommonSuperType(*common, args.types[2]);
  if (!common || !IsOrderable(*common)) {
    return InvalidQuery(args.pos, "Cannot check if " + args.types[0].ToString() + " is BETWEEN " +
                                      args.types[1].ToString() + " and " +
                                      args.types[2].ToString());
  }
  BoundFunction f;
  f.name = def.name;
  f.arg_types = {*common, *common, *common};
  f.result_type = Type::Boolean();
  f.kernel = BetweenKernel;
  return f;
}

Status DistinctKernel(const KernelArgs& in, Vector* out) {
  const Vector& a = *in.args[0];
  const Vector& b = *in.args[1];
  for (size_t i = 0; i < in.count; ++i) {
    bool an = a.IsNull(i), bn = b.IsNull(i);
    if (an || bn) {
      out->bools()[i] = an != bn;
    } else if (a.type().id() == TypeId::kDouble && std::isnan(a.f64()[i]) &&
               std::isnan(b.f64()[i])) {
      out->bools()[i] = 0;  // NaN is not distinct from NaN
    } else {
      out->bools()[i] = !ValuesEqual(a, i, b, i);
    }
  }
  return Status::OK();
}

Result<BoundFunction> BindDistinct(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2) return WrongArguments(def, args);
  auto common = CommonSuperType(args.types[0], args.types[1]);
  if (!common || !IsComparable(*common)) {
    return InvalidQuery(args.pos, "Cannot apply IS DISTINCT FROM to " + args.types[0].ToString() +
                                      " and " + args.types[1].ToString());
  }
  BoundFunction f;
  f.name = def.name;
  f.arg_types = {*common, *common};
  f.result_type = Type::Boolean();
  f.kernel = DistinctKernel;
  f.nulls = NullHandling::kCustom;
  return f;
}

void AddCompare(FunctionRegistry* r, const char* name, ScalarBinder bind, const char* usage) {
  ScalarFunctionDef def;
  def.name = name;
  def.bind = bind;
  def.usage = usage;
  r->AddScalar(std::move(def));
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry* r) {
  AddCompare(r, "$eq", BindCompare<Eq>, "T = T");
  AddCompare(r, "$ne", BindCompare<Ne>, "T <> T");
  AddCompare(r, "$lt", BindCompare<Lt>, "T < T");
  AddCompare(r, "$le", BindCompare<Le>, "T <= T");
  AddCompare(r, "$gt", BindCompare<Gt>, "T > T");
  AddCompare(r, "$ge", BindCompare<Ge>, "T >= T");
  AddCompare(r, "$between", BindBetween, "T BETWEEN T AND T");
  AddCompare(r, "$is_distinct_from", BindDistinct, "T IS DISTINCT FROM T");
}

}  // namespace cairn::sql
