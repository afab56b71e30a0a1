// Aggregate function signatures. The executor implements them (src/sql/exec/aggregate_states.cc);
// the binder needs their argument and result types.
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

const Type B = Type::Bigint();
const Type D = Type::Double();

Status Expect(const BindArgs& args, const std::string& usage) {
  return WrongArguments(args.name, usage, args);
}

BoundAggregate Agg(const BindArgs& args, AggregateKind kind, std::vector<Type> arg_types,
                   Type result) {
  BoundAggregate a;
  a.name = std::string(args.name);
  a.kind = kind;
  a.arg_types = std::move(arg_types);
  a.result_type = std::move(result);
  return a;
}

Result<BoundAggregate> BindCount(const BindArgs& args) {
  if (args.types.empty()) return Agg(args, AggregateKind::kCountStar, {}, B);
  if (args.types.size() != 1) return Expect(args, "count(*) or count(T)");
  return Agg(args, AggregateKind::kCount, {args.types[0]}, B);
}

Result<BoundAggregate> BindCountIf(const BindArgs& args) {
  if (args.types.size() != 1 || !CanCoerce(args.types[0], Type::Boolean()))
    return Expect(args, "count_if(boolean)");
  return Agg(args, AggregateKind::kCountIf, {Type::Boolean()}, B);
}

Result<BoundAggregate> BindSum(const BindArgs& args) {
  if (args.types.size() != 1) return Expect(args, "sum(bigint) or sum(double)");
  const Type& t = args.types[0];
  if (t.id() == TypeId::kBigint || t.id() == TypeId::kUnknown)
    return Agg(args, AggregateKind::kSum, {B}, B);
  if (t.id() == TypeId::kDouble) return Agg(args, AggregateKind::kSum, {D}, D);
  if (t.id() == TypeId::kIntervalDayTime || t.id() == TypeId::kIntervalYearMonth) {
    return Agg(args, AggregateKind::kSum, {t}, t);
  }
  return Expect(args, "sum(bigint) or sum(double)");
}

Result<BoundAggregate> BindAvg(const BindArgs& args) {
  if (args.types.size() != 1) return Expect(args, "avg(bigint) or avg(double)");
  const Type& t = args.types[0];
  if (IsNumeric(t) || t.id() == TypeId::kUnknown) return Agg(args, AggregateKind::kAvg, {D}, D);
  if (t.id() == TypeId::kIntervalDayTime) return Agg(args, AggregateKind::kAvg, {t}, t);
  return Expect(args, "avg(bigint) or avg(double)");
}

Result<BoundAggregate> BindMinMax(const BindArgs& args, AggregateKind kind) {
  if (args.types.size() != 1 || !IsOrderable(args.types[0]))
    return Expect(args, std::string(args.name) + "(T) with T orderable");
  return Agg(args, kind, {args.types[0]}, args.types[0]);
}
Result<BoundAggregate> BindMin(const BindArgs& args) {
  return BindMinMax(args, AggregateKind::kMin);
}
Result<BoundAggregate> BindMax(const BindArgs& args) {
  return BindMinMax(args, AggregateKind::kMax);
}

Result<BoundAggregate> BindBy(const BindArgs& args, AggregateKind kind) {
  if (args.types.size() != 2 || !IsOrderable(args.types[1])) {
    return Expect(args, std::string(args.name) + "(T, K) with K orderable");
  }
  return Agg(args, kind, {args.types[0], args.types[1]}, args.types[0]);
}
Result<BoundAggregate> BindMinBy(const BindArgs& args) {
  return BindBy(args, AggregateKind::kMinBy);
}
Result<BoundAggregate> BindMaxBy(const BindArgs& args) {
  return BindBy(args, AggregateKind::kMaxBy);
}

Result<BoundAggregate> BindArbitrary(const BindArgs& args) {
  if (args.types.size() != 1) return Expect(args, "arbitrary(T)");
  return Agg(args, AggregateKind::kArbitrary, {args.types[0]}, args.types[0]);
}

Result<BoundAggregate> BindApproxDistinct(const BindArgs& args) {
  if (args.types.empty() || args.types.size() > 2 || !IsComparable(args.types[0])) {
    return Expect(args, "approx_distinct(T [, double])");
  }
  std::vector<Type> types = {args.types[0]};
  if (args.types.size() == 2) {
    if (!CanCoerce(args.types[1], D)) return Expect(args, "approx_distinct(T [, double])");
    types.push_back(D);
  }
  return Agg(args, AggregateKind::kApproxDistinct, std::move(types), B);
}

Result<BoundAggregate> BindArrayAgg(const BindArgs& args) {
  if (args.types.size() != 1) return Expect(args, "array_agg(T)");
  return Agg(args, AggregateKind::kArrayAgg, {args.types[0]}, Type::Array(args.types[0]));
}

Result<BoundAggregate> BindBool(const BindArgs& args, AggregateKind kind) {
  if (args.types.size() != 1 || !CanCoerce(args.types[0], Type::Boolean())) {
    return Expect(args, std::string(args.name) + "(boolean)");
  }
  return Agg(args, kind, {Type::Boolean()}, Type::Boolean());
}
Result<BoundAggregate> BindBoolAnd(const BindArgs& args) {
  return BindBool(args, AggregateKind::kBoolAnd);
}
Result<BoundAggregate> BindBoolOr(const BindArgs& args) {
  return BindBool(args, AggregateKind::kBoolOr);
}

Result<BoundAggregate> BindStat(const BindArgs& args, AggregateKind kind) {
  if (args.types.size() != 1 ||
      !(IsNumeric(args.types[0]) || args.types[0].id() == TypeId::kUnknown)) {
    return Expect(args, std::string(args.name) + "(double)");
  }
  return Agg(args, kind, {D}, D);
}
Result<BoundAggregate> BindStddevSamp(const BindArgs& a) {
  return BindStat(a, AggregateKind::kStddevSamp);
}
Result<BoundAggregate> BindStddevPop(const BindArgs& a) {
  return BindStat(a, AggregateKind::kStddevPop);
}
Result<BoundAggregate> BindVarSamp(const BindArgs& a) {
  return BindStat(a, AggregateKind::kVarSamp);
}
Result<BoundAggregate> BindVarPop(const BindArgs& a) { return BindStat(a, AggregateKind::kVarPop); }

Result<BoundAggregate> BindApproxPercentile(const BindArgs& args) {
  if (args.types.size() != 2 || !(IsNumeric(args.types[0]) || IsOrderable(args.types[0])) ||
      !CanCoerce(args.types[1], D)) {
    return Expect(args, "approx_percentile(T, double)");
  }
  if (args.constants[1] == nullptr) {
    return InvalidQuery(args.pos, "the percentile of approx_percentile must be a constant");
  }
  double p = args.constants[1]->type.id() == TypeId::kBigint
                 ? static_cast<double>(args.constants[1]->i64)
                 : args.constants[1]->f64;
  if (args.constants[1]->is_null || p < 0 || p > 1) {
    return InvalidQuery(args.pos, "Percentile must be between 0 and 1");
  }
  return Agg(args, AggregateKind::kApproxPercentile, {args.types[0], D}, args.types[0]);
}

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry* r) {
  struct {
    const char* name;
    AggregateKind kind;
    AggregateBinder bind;
  } defs[] = {
      {"count", AggregateKind::kCount, BindCount},
      {"count_if", AggregateKind::kCountIf, BindCountIf},
      {"sum", AggregateKind::kSum, BindSum},
      {"avg", AggregateKind::kAvg, BindAvg},
      {"min", AggregateKind::kMin, BindMin},
      {"max", AggregateKind::kMax, BindMax},
      {"min_by", AggregateKind::kMinBy, BindMinBy},
      {"max_by", AggregateKind::kMaxBy, BindMaxBy},
      {"arbitrary", AggregateKind::kArbitrary, BindArbitrary},
      {"any_value", AggregateKind::kArbitrary, BindArbitrary},
      {"approx_distinct", AggregateKind::kApproxDistinct, BindApproxDistinct},
      {"array_agg", AggregateKind::kArrayAgg, BindArrayAgg},
      {"bool_and", AggregateKind::kBoolAnd, BindBoolAnd},
      {"every", AggregateKind::kBoolAnd, BindBoolAnd},
      {"bool_or", AggregateKind::kBoolOr, BindBoolOr},
      {"stddev", AggregateKind::kStddevSamp, BindStddevSamp},
      {"stddev_samp", AggregateKind::kStddevSamp, BindStddevSamp},
      {"stddev_pop", AggregateKind::kStddevPop, BindStddevPop},
      {"variance", AggregateKind::kVarSamp, BindVarSamp},
      {"var_samp", AggregateKind::kVarSamp, BindVarSamp},
      {"var_pop", AggregateKind::kVarPop, BindVarPop},
      {"approx_percentile", AggregateKind::kApproxPercentile, BindApproxPercentile},
  };
  for (const auto& d : defs) r->AddAggregate({d.name, d.kind, d.bind});
}

}  // namespace cairn::sql
