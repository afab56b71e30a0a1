#include "sql/function_registry.h"

#include <algorithm>
#include <limits>

#include "sql/lexer.h"

namespace cairn::sql {
namespace {

std::string TypeList(const std::vector<Type>& types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += types[i].ToString();
  }
  return out;
}

std::string Usage(const ScalarFunctionDef& def) {
  if (!def.usage.empty()) return def.usage;
  std::string out;
  for (size_t i = 0; i < def.overloads.size(); ++i) {
    if (i) out += ", ";
    out += def.name + "(" + TypeList(def.overloads[i].args);
    if (def.overloads[i].variadic) out += "...";
    out += ")";
  }
  return out;
}

// Cost of passing `from` where `to` is expected: 0 exact, 1 per implicit coercion, -1 impossible.
int CoercionCost(const Type& from, const Type& to) {
  if (from == to) return 0;
  return CanCoerce(from, to) ? 1 : -1;
}

}  // namespace

Status QueryFailed(std::string message) { return Status::InvalidArgument(std::move(message)); }

Status WrongArguments(std::string_view name, const std::string& expected, const BindArgs& args) {
  return InvalidQuery(args.pos, "Unexpected parameters (" + TypeList(args.types) +
                                    ") for function " + std::string(name) +
                                    ". Expected: " + expected);
}

Status WrongArguments(const ScalarFunctionDef& def, const BindArgs& args) {
  return WrongArguments(def.name, Usage(def), args);
}

Result<BoundFunction> ResolveOverloads(const ScalarFunctionDef& def, const BindArgs& args) {
  const Overload* best = nullptr;
  int best_cost = std::numeric_limits<int>::max();
  std::vector<Type> best_types;
  for (const Overload& o : def.overloads) {
    std::vector<Type> want;
    if (o.variadic) {
      if (args.types.size() < o.args.size()) continue;
      want = o.args;
      while (want.size() < args.types.size()) want.push_back(o.args.back());
    } else {
      if (args.types.size() != o.args.size()) continue;
      want = o.args;
    }
    int cost = 0;
    for (size_t i = 0; i < want.size() && cost >= 0; ++i) {
      int c = CoercionCost(args.types[i], want[i]);
      cost = c < 0 ? -1 : cost + c;
    }
    if (cost >= 0 && cost < best_cost) {
      best = &o;
      best_cost = cost;
      best_types = std::move(want);
    }
  }
  if (best == nullptr) return WrongArguments(def, args);
  BoundFunction f;
  f.name = def.name;
  f.arg_types = std::move(best_types);
  f.result_type = best->result;
  f.kernel = best->kernel;
  f.nulls = best->nulls;
  f.deterministic = def.deterministic;
  return f;
}

FunctionRegistry::FunctionRegistry() {
  RegisterComparisonFunctions(this);
  RegisterMathFunctions(this);
  RegisterStringFunctions(this);
  RegisterRegexpFunctions(this);
  RegisterDateFunctions(this);
  RegisterJsonFunctions(this);
  RegisterMapFunctions(this);
  RegisterArrayFunctions(this);
  RegisterConditionalFunctions(this);
  RegisterAggregateFunctions(this);
}

const FunctionRegistry& FunctionRegistry::Get() {
  static const FunctionRegistry* const registry = new FunctionRegistry();
  return *registry;
}

void FunctionRegistry::AddScalar(ScalarFunctionDef def) {
  std::string key = def.name;
  scalars_[key] = std::move(def);
}

void FunctionRegistry::AddAlias(std::string_view alias, std::string_view name) {
  auto it = scalars_.find(name);
  CAIRN_CHECK(it != scalars_.end());
  ScalarFunctionDef copy = it->second;
  copy.name = std::string(alias);
  scalars_[std::string(alias)] = std::move(copy);
}

void FunctionRegistry::AddAggregate(AggregateFunctionDef def) {
  std::string key = def.name;
  aggregates_[key] = std::move(def);
}

const ScalarFunctionDef* FunctionRegistry::FindScalar(std::string_view name) const {
  auto it = scalars_.find(AsciiLower(name));
  return it == scalars_.end() ? nullptr : &it->second;
}

const AggregateFunctionDef* FunctionRegistry::FindAggregate(std::string_view name) const {
  auto it = aggregates_.find(AsciiLower(name));
  return it == aggregates_.end() ? nullptr : &it->second;
}

namespace {
struct WindowName {
  std::string_view name;
  WindowKind kind;
};
constexpr WindowName kWindowNames[] = {
    {"row_number", WindowKind::kRowNumber},
    {"rank", WindowKind::kRank},
    {"dense_rank", WindowKind::kDenseRank},
    {"percent_rank", WindowKind::kPercentRank},
    {"cume_dist", WindowKind::kCumeDist},
    {"ntile", WindowKind::kNtile},
    {"lag", WindowKind::kLag},
    {"lead", WindowKind::kLead},
    {"first_value", WindowKind::kFirstValue},
    {"last_value", WindowKind::kLastValue},
    {"nth_value", WindowKind::kNthValue},
};
}  // namespace

bool FunctionRegistry::IsWindowFunction(std::string_view name) const {
  for (const WindowName& w : kWindowNames) {
    if (EqualsIgnoreCase(w.name, name)) return true;
  }
  return false;
}

Result<BoundWindowFunction> FunctionRegistry::BindWindow(const BindArgs& args) const {
  const WindowName* found = nullptr;
  for (const WindowName& w : kWindowNames) {
    if (EqualsIgnoreCase(w.name, args.name)) found = &w;
  }
  if (found == nullptr)
    return InvalidQuery(args.pos, "Function '" + std::string(args.name) + "' not registered");
  BoundWindowFunction f;
  f.name = std::string(found->name);
  f.kind = found->kind;
  const auto& t = args.types;
  auto fail = [&](const std::string& expected) {
    return WrongArguments(found->name, expected, args);
  };
  switch (found->kind) {
    case WindowKind::kRowNumber:
    case WindowKind::kRank:
    case WindowKind::kDenseRank:
      if (!t.empty()) return fail(f.name + "()");
      f.result_type = Type::Bigint();
      break;
    case WindowKind::kPercentRank:
    case WindowKind::kCumeDist:
      if (!t.empty()) return fail(f.name + "()");
      f.result_type = Type::Double();
      break;
    case WindowKind::kNtile:
      if (t.size() != 1 || !CanCoerce(t[0], Type::Bigint())) return fail("ntile(bigint)");
      f.arg_types = {Type::Bigint()};
      f.result_type = Type::Bigint();
      break;
    case WindowKind::kLag:
    case WindowKind::kLead: {
      if (t.empty() || t.size() > 3) return fail(f.name + "(T [, bigint [, T]])");
      Type value = t[0].id() == TypeId::kUnknown && t.size() == 3 ? t[2] : t[0];
      f.arg_types = {value};
      if (t.size() >= 2) {
        if (!CanCoerce(t[1], Type::Bigint())) return fail(f.name + "(T [, bigint [, T]])");
        f.arg_types.push_back(Type::Bigint());
      }
      if (t.size() == 3) {
        auto common = CommonSuperType(value, t[2]);
        if (!common) return fail(f.name + "(T [, bigint [, T]])");
        value = *common;
        f.arg_types[0] = value;
        f.arg_types.push_back(value);
      }
      f.result_type = value;
      break;
    }
    case WindowKind::kFirstValue:
    case WindowKind::kLastValue:
      if (t.size() != 1) return fail(f.name + "(T)");
      f.arg_types = {t[0]};
      f.result_type = t[0];
      break;
    case WindowKind::kNthValue:
      if (t.size() != 2 || !CanCoerce(t[1], Type::Bigint())) return fail("nth_value(T, bigint)");
      f.arg_types = {t[0], Type::Bigint()};
      f.result_type = t[0];
      break;
  }
  return f;
}

Result<BoundFunction> FunctionRegistry::BindScalar(const ScalarFunctionDef& def,
                                                   const BindArgs& args) const {
  ASSIGN_OR_RETURN(BoundFunction f, def.bind ? def.bind(def, args) : ResolveOverloads(def, args));
  if (!def.deterministic) f.deterministic = false;
  return f;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, def] : scalars_) {
    if (name[0] != '$') out.push_back(name);
  }
  for (const auto& [name, def] : aggregates_) out.push_back(name);
  for (const WindowName& w : kWindowNames) out.emplace_back(w.name);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace cairn::sql
