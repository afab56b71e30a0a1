// greatest / least. (CASE, IF, COALESCE, NULLIF and TRY are special forms of the binder and the
// evaluator, because they choose which rows their arguments are evaluated on.)
#include <cmath>

#include "sql/functions/compare.h"
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

using kernel::Bound;

// NULL if any argument is NULL (Trino); NaN makes the result NaN for doubles.
template <bool greatest>
Status Extreme(const KernelArgs& in, Vector* out) {
  for (const Vector* a : in.args) out->ShareStringsOf(*a);
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    size_t best = 0;
    bool nan = false;
    for (size_t k = 0; k < in.args.size(); ++k) {
      if (in.args[k]->type().id() == TypeId::kDouble && std::isnan(in.args[k]->f64()[i]))
        nan = true;
      if (k == 0) continue;
      int c = CompareValues(*in.args[k], i, *in.args[best], i);
      if (greatest ? c > 0 : c < 0) best = k;
    }
    out->CopyRow(*in.args[best], i, i);
    if (nan) out->f64()[i] = std::nan("");
  }
  return Status::OK();
}

template <bool greatest>
Result<BoundFunction> BindExtreme(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.empty()) return WrongArguments(def, args);
  Type common = Type::Unknown();
  for (const Type& t : args.types) {
    auto c = CommonSuperType(common, t);
    if (!c) return WrongArguments(def, args);
    common = *c;
  }
  if (!IsOrderable(common)) return WrongArguments(def, args);
  return Bound(def, std::vector<Type>(args.types.size(), common), common, Extreme<greatest>);
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry* r) {
  kernel::AddGeneric(r, "greatest", BindExtreme<true>, "greatest(T, ...)");
  kernel::AddGeneric(r, "least", BindExtreme<false>, "least(T, ...)");
}

}  // namespace cairn::sql
