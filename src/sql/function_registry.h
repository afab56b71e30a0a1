// src/sql/function_registry.h
//
// The functions of the dialect: scalar functions (with vectorized kernels), aggregates and window
// functions, looked up by lower-case name. Operators are scalar functions too, under internal names
// that start with '$' ($eq, $add, $like, ...), so that one resolution and one evaluation path serve
// both. A name that is not here is refused by the binder ("Function 'x' not registered").
//
// Resolution: a function either lists fixed overloads (argument types -> result type, kernel), and
// the registry picks the one that needs the fewest implicit coercions, or has its own binder for
// generic signatures (element_at(map(K, V), K) -> V, transform(array(T), T -> U) -> array(U)).
// A binder may look at constant arguments (a regular expression, a JSON path, a date unit) and
// prepare FunctionData once per query.
//
// Kernels run over a batch. NULL handling: with NullHandling::kPropagate, the evaluator sets the
// output's validity to the AND of the arguments' before the kernel runs, and the kernel must skip
// (and may further null out) rows that are NULL in `out`; with kCustom the kernel sees every row
// and sets validity itself (coalesce, IS DISTINCT FROM, concat_ws ...).
//
// Thread-safety: the registry is built once and immutable; kernels are reentrant (per-call state
// lives in FunctionData, which is immutable, or on the stack).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/sql_error.h"
#include "sql/types.h"
#include "sql/value.h"
#include "sql/vector.h"

namespace cairn::sql {

// Per-query state a binder prepares for its kernel (compiled pattern, parsed path, ...).
struct FunctionData {
  virtual ~FunctionData() = default;
};

// Evaluates a lambda argument over `n` rows: params[i] holds the values of the i-th parameter;
// rows[k] is the row of the calling batch that element k belongs to (for captured columns).
using LambdaFn = std::function<Status(std::span<const Vector* const> params,
                                      std::span<const uint32_t> rows, size_t n, Vector* out)>;

struct KernelArgs {
  std::span<const Vector* const> args;  // nullptr where the argument is a lambda
  size_t count = 0;                     // rows in the batch
  const FunctionData* data = nullptr;
  std::span<const LambdaFn> lambdas;  // one per lambda argument, in argument order
  int64_t now_micros = 0;             // the query's start time
};

using ScalarKernel = Status (*)(const KernelArgs& in, Vector* out);

enum class NullHandling : uint8_t { kPropagate, kCustom };

// A resolved call: what the arguments must be cast to, the result, and how to compute it.
struct BoundFunction {
  std::string name;
  std::vector<Type> arg_types;
  Type result_type;
  ScalarKernel kernel = nullptr;
  std::shared_ptr<const FunctionData> data;
  NullHandling nulls = NullHandling::kPropagate;
  bool deterministic = true;  // false: not folded at bind time (now() is folded: it is per query)
};

// What a binder sees of a call.
struct BindArgs {
  std::string_view name;  // as written, for messages
  std::vector<Type> types;
  std::vector<const Value*> constants;  // non-null where the argument is a constant
  SourcePos pos;
};

struct Overload {
  std::vector<Type> args;
  Type result;
  ScalarKernel kernel;
  NullHandling nulls = NullHandling::kPropagate;
  bool variadic = false;  // the last argument type repeats (one or more times)
};

struct ScalarFunctionDef;
using ScalarBinder = Result<BoundFunction> (*)(const ScalarFunctionDef& def, const BindArgs& args);
// Lambda parameter types for argument `lambda_index` of a call, given the types of the arguments
// bound so far (lambda arguments show as kUnknown).
using LambdaTyper = Result<std::vector<Type>> (*)(size_t lambda_index,
                                                  const std::vector<Type>& arg_types,
                                                  SourcePos pos);

struct ScalarFunctionDef {
  std::string name;
  std::vector<Overload> overloads;  // used when bind == nullptr
  ScalarBinder bind = nullptr;      // generic signatures
  LambdaTyper lambda_types = nullptr;
  std::string usage;  // "element_at(map(K, V), K)" for messages; derived if empty
  bool deterministic = true;
};

// Aggregates are implemented by the executor; the registry knows their names and types.
enum class AggregateKind : uint8_t {
  kCountStar,
  kCount,
  kCountIf,
  kSum,
  kAvg,
  kMin,
  kMax,
  kMinBy,
  kMaxBy,
  kArbitrary,
  kApproxDistinct,
  kArrayAgg,
  kBoolAnd,
  kBoolOr,
  kStddevSamp,
  kStddevPop,
  kVarSamp,
  kVarPop,
  kApproxPercentile,
  kMapAgg,
  kListAgg,
};

struct BoundAggregate {
  std::string name;
  AggregateKind kind;
  std::vector<Type> arg_types;  // arguments are cast to these
  Type result_type;
};

using AggregateBinder = Result<BoundAggregate> (*)(const BindArgs& args);

struct AggregateFunctionDef {
  std::string name;
  AggregateKind kind;
  AggregateBinder bind;
};

enum class WindowKind : uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kNthValue,
};

struct BoundWindowFunction {
  std::string name;
  WindowKind kind;
  std::vector<Type> arg_types;
  Type result_type;
};

class FunctionRegistry {
 public:
  static const FunctionRegistry& Get();

  const ScalarFunctionDef* FindScalar(std::string_view name) const;
  const AggregateFunctionDef* FindAggregate(std::string_view name) const;
  bool IsWindowFunction(std::string_view name) const;
  Result<BoundWindowFunction> BindWindow(const BindArgs& args) const;

  // Resolves a scalar call. Errors are InvalidQueryStatementException at args.pos.
  Result<BoundFunction> BindScalar(const ScalarFunctionDef& def, const BindArgs& args) const;

  // All registered names (scalar and aggregate, without the '$' operators), sorted; for docs.
  std::vector<std::string> Names() const;

  // Registration, used by the functions/*.cc files.
  void AddScalar(ScalarFunctionDef def);
  void AddAlias(std::string_view alias, std::string_view name);
  void AddAggregate(AggregateFunctionDef def);

 private:
  FunctionRegistry();
  std::map<std::string, ScalarFunctionDef, std::less<>> scalars_;
  std::map<std::string, AggregateFunctionDef, std::less<>> aggregates_;
};

// Picks the overload of `def` that fits `args` with the fewest coercions.
Result<BoundFunction> ResolveOverloads(const ScalarFunctionDef& def, const BindArgs& args);

// "Unexpected parameters (varchar, bigint) for function lower. Expected: lower(varchar)".
Status WrongArguments(const ScalarFunctionDef& def, const BindArgs& args);
Status WrongArguments(std::string_view name, const std::string& expected, const BindArgs& args);

// Runtime errors of kernels: a query that fails while running (division by zero, a malformed
// value in a cast). Plain kInvalidArgument, without an exception name: StartQuery accepted the
// query; it ends FAILED with this ErrorMessage.
Status QueryFailed(std::string message);

// Registration entry points of the function families (src/sql/functions/*.cc).
void RegisterComparisonFunctions(FunctionRegistry* r);
void RegisterMathFunctions(FunctionRegistry* r);
void RegisterStringFunctions(FunctionRegistry* r);
void RegisterRegexpFunctions(FunctionRegistry* r);
void RegisterDateFunctions(FunctionRegistry* r);
void RegisterJsonFunctions(FunctionRegistry* r);
void RegisterMapFunctions(FunctionRegistry* r);
void RegisterArrayFunctions(FunctionRegistry* r);
void RegisterConditionalFunctions(FunctionRegistry* r);
void RegisterAggregateFunctions(FunctionRegistry* r);

}  // namespace cairn::sql
