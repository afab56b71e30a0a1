// Arithmetic operators (+ - * / % and unary minus, including timestamp and interval arithmetic)
// and the math functions. bigint arithmetic fails on overflow and on division by zero, as in
// Trino; double arithmetic follows IEEE 754 (x / 0.0 is Infinity or NaN).
#include <cmath>
#include <random>

#include "sql/datetime.h"
#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

using kernel::AddFixed;
using kernel::AddGeneric;
using kernel::Arg;
using kernel::Bound;

enum class Op { kAdd, kSub, kMul, kDiv, kMod };

const char* OpName(Op op) {
  switch (op) {
    case Op::kAdd:
      return "addition";
    case Op::kSub:
      return "subtraction";
    case Op::kMul:
      return "multiplication";
    case Op::kDiv:
      return "division";
    case Op::kMod:
      return "modulus";
  }
  return "";
}

template <Op op>
Status BigintArith(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  const int64_t* b = Arg(in, 1).i64();
  int64_t* r = out->i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    bool overflow = false;
    switch (op) {
      case Op::kAdd:
        overflow = __builtin_add_overflow(a[i], b[i], &r[i]);
        break;
      case Op::kSub:
        overflow = __builtin_sub_overflow(a[i], b[i], &r[i]);
        break;
      case Op::kMul:
        overflow = __builtin_mul_overflow(a[i], b[i], &r[i]);
        break;
      case Op::kDiv:
      case Op::kMod:
        if (b[i] == 0) return QueryFailed("Division by zero");
        if (a[i] == INT64_MIN && b[i] == -1) {
          if (op == Op::kMod) {
            r[i] = 0;
          } else {
            overflow = true;
          }
        } else {
          r[i] = op == Op::kDiv ? a[i] / b[i] : a[i] % b[i];
        }
        break;
    }
    if (overflow) {
      return QueryFailed(std::string("bigint ") + OpName(op) +
                         " overflow: " + std::to_string(a[i]) +
                         (op == Op::kAdd   ? " + "
                          : op == Op::kSub ? " - "
                          : op == Op::kMul ? " * "
                                           : " / ") +
                         std::to_string(b[i]));
    }
  }
  return Status::OK();
}

template <Op op>
Status DoubleArith(const KernelArgs& in, Vector* out) {
  const double* a = Arg(in, 0).f64();
  const double* b = Arg(in, 1).f64();
  double* r = out->f64();
  for (size_t i = 0; i < in.count; ++i) {
    switch (op) {
      case Op::kAdd:
        r[i] = a[i] + b[i];
        break;
      case Op::kSub:
        r[i] = a[i] - b[i];
        break;
      case Op::kMul:
        r[i] = a[i] * b[i];
        break;
      case Op::kDiv:
        r[i] = a[i] / b[i];
        break;
      case Op::kMod:
        r[i] = std::fmod(a[i], b[i]);
        break;
    }
  }
  return Status::OK();
}

// timestamp +/- interval year to month: calendar months, the day clamped to the month's end.
int64_t AddMonthsToMicros(int64_t micros, int64_t months) {
  datetime::Civil c = datetime::ToCivil(micros);
  int64_t m = c.year * 12 + (c.month - 1) + months;
  c.year = datetime::FloorDiv(m, 12);
  c.month = static_cast<int>(datetime::FloorMod(m, 12)) + 1;
  c.day = std::min(c.day, datetime::DaysInMonth(c.year, c.month));
  return datetime::FromCivil(c);
}

// Timestamp/date/interval arithmetic. The argument order is normalized by the binder so that the
// point in time (if any) comes first.
enum class Temporal {
  kTsPlusDt,
  kTsMinusDt,
  kTsPlusYm,
  kTsMinusYm,
  kDatePlusDt,
  kDateMinusDt,
  kDatePlusYm,
  kDateMinusYm,
  kTsMinusTs,
  kDtPlusDt,
  kDtMinusDt,
  kYmPlusYm,
  kYmMinusYm,
};

template <Temporal t>
Status TemporalKernel(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  const int64_t* b = Arg(in, 1).i64();
  int64_t* r = out->i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    bool overflow = false;
    switch (t) {
      case Temporal::kTsPlusDt:
      case Temporal::kDtPlusDt:
      case Temporal::kYmPlusYm:
        overflow = __builtin_add_overflow(a[i], b[i], &r[i]);
        break;
      case Temporal::kTsMinusDt:
      case Temporal::kTsMinusTs:
      case Temporal::kDtMinusDt:
      case Temporal::kYmMinusYm:
        overflow = __builtin_sub_overflow(a[i], b[i], &r[i]);
        break;
      case Temporal::kTsPlusYm:
        r[i] = AddMonthsToMicros(a[i], b[i]);
        break;
      case Temporal::kTsMinusYm:
        r[i] = AddMonthsToMicros(a[i], -b[i]);
        break;
      case Temporal::kDatePlusDt:
        r[i] = a[i] + datetime::FloorDiv(b[i], datetime::kMicrosPerDay);
        break;
      case Temporal::kDateMinusDt:
        r[i] = a[i] - datetime::FloorDiv(b[i], datetime::kMicrosPerDay);
        break;
      case Temporal::kDatePlusYm:
        r[i] = datetime::FloorDiv(AddMonthsToMicros(a[i] * datetime::kMicrosPerDay, b[i]),
                                  datetime::kMicrosPerDay);
        break;
      case Temporal::kDateMinusYm:
        r[i] = datetime::FloorDiv(AddMonthsToMicros(a[i] * datetime::kMicrosPerDay, -b[i]),
                                  datetime::kMicrosPerDay);
        break;
    }
    if (overflow) return QueryFailed("timestamp or interval arithmetic overflow");
  }
  return Status::OK();
}

// interval * number, number * interval (argument order normalized: interval first), interval /
// number.
template <bool divide, bool by_double>
Status IntervalScale(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  int64_t* r = out->i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    double factor = by_double ? Arg(in, 1).f64()[i] : static_cast<double>(Arg(in, 1).i64()[i]);
    if (divide && factor == 0) return QueryFailed("Division by zero");
    double v = divide ? static_cast<double>(a[i]) / factor : static_cast<double>(a[i]) * factor;
    if (!std::isfinite(v) || std::fabs(v) >= 9.2e18)
      return QueryFailed("interval arithmetic overflow");
    r[i] = static_cast<int64_t>(std::llround(v));
  }
  return Status::OK();
}

Status SwapArgsThen(const KernelArgs& in, Vector* out, ScalarKernel k) {
  const Vector* swapped[2] = {in.args[1], in.args[0]};
  KernelArgs copy = in;
  copy.args = std::span<const Vector* const>(swapped, 2);
  return k(copy, out);
}

template <ScalarKernel K>
Status Swapped(const KernelArgs& in, Vector* out) {
  return SwapArgsThen(in, out, K);
}

template <Op op>
Result<BoundFunction> BindArith(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2) return WrongArguments(def, args);
  Type a = args.types[0], b = args.types[1];
  // NULL literals take the other side's type.
  if (a.id() == TypeId::kUnknown) a = b.id() == TypeId::kUnknown ? Type::Bigint() : b;
  if (b.id() == TypeId::kUnknown) b = a;
  TypeId x = a.id(), y = b.id();
  auto bound = [&](Type ta, Type tb, Type result, ScalarKernel k) {
    return Bound(def, {std::move(ta), std::move(tb)}, std::move(result), k);
  };
  if (IsNumeric(a) && IsNumeric(b)) {
    if (x == TypeId::kBigint && y == TypeId::kBigint) {
      return bound(Type::Bigint(), Type::Bigint(), Type::Bigint(), BigintArith<op>);
    }
    return bound(Type::Double(), Type::Double(), Type::Double(), DoubleArith<op>);
  }
  const Type ts = Type::Timestamp(), date = Type::Date(), dt = Type::IntervalDayTime(),
             ym = Type::IntervalYearMonth();
  if (op == Op::kAdd) {
    if (x == TypeId::kTimestamp && y == TypeId::kIntervalDayTime)
      return bound(ts, dt, ts, TemporalKernel<Temporal::kTsPlusDt>);
    if (x == TypeId::kIntervalDayTime && y == TypeId::kTimestamp)
      return bound(dt, ts, ts, Swapped<TemporalKernel<Temporal::kTsPlusDt>>);
    if (x == TypeId::kTimestamp && y == TypeId::kIntervalYearMonth)
      return bound(ts, ym, ts, TemporalKernel<Temporal::kTsPlusYm>);
    if (x == TypeId::kIntervalYearMonth && y == TypeId::kTimestamp)
      return bound(ym, ts, ts, Swapped<TemporalKernel<Temporal::kTsPlusYm>>);
    if (x == TypeId::kDate && y == TypeId::kIntervalDayTime)
      return bound(date, dt, date, TemporalKernel<Temporal::kDatePlusDt>);
    if (x == TypeId::kIntervalDayTime && y == TypeId::kDate)
      return bound(dt, date, date, Swapped<TemporalKernel<Temporal::kDatePlusDt>>);
    if (x == TypeId::kDate && y == TypeId::kIntervalYearMonth)
      return bound(date, ym, date, TemporalKernel<Temporal::kDatePlusYm>);
    if (x == TypeId::kIntervalYearMonth && y == TypeId::kDate)
      return bound(ym, date, date, Swapped<TemporalKernel<Temporal::kDatePlusYm>>);
    if (x == TypeId::kIntervalDayTime && y == TypeId::kIntervalDayTime)
      return bound(dt, dt, dt, TemporalKernel<Temporal::kDtPlusDt>);
    if (x == TypeId::kIntervalYearMonth && y == TypeId::kIntervalYearMonth)
      return bound(ym, ym, ym, TemporalKernel<Temporal::kYmPlusYm>);
  }
  if (op == Op::kSub) {
    if (x == TypeId::kTimestamp && y == TypeId::kIntervalDayTime)
      return bound(ts, dt, ts, TemporalKernel<Temporal::kTsMinusDt>);
    if (x == TypeId::kTimestamp && y == TypeId::kIntervalYearMonth)
      return bound(ts, ym, ts, TemporalKernel<Temporal::kTsMinusYm>);
    if (x == TypeId::kDate && y == TypeId::kIntervalDayTime)
      return bound(date, dt, date, TemporalKernel<Temporal::kDateMinusDt>);
    if (x == TypeId::kDate && y == TypeId::kIntervalYearMonth)
      return bound(date, ym, date, TemporalKernel<Temporal::kDateMinusYm>);
    if ((x == TypeId::kTimestamp || x == TypeId::kDate) &&
        (y == TypeId::kTimestamp || y == TypeId::kDate)) {
      return bound(ts, ts, dt, TemporalKernel<Temporal::kTsMinusTs>);
    }
    if (x == TypeId::kIntervalDayTime && y == TypeId::kIntervalDayTime)
      return bound(dt, dt, dt, TemporalKernel<Temporal::kDtMinusDt>);
    if (x == TypeId::kIntervalYearMonth && y == TypeId::kIntervalYearMonth)
      return bound(ym, ym, ym, TemporalKernel<Temporal::kYmMinusYm>);
  }
  bool xi = x == TypeId::kIntervalDayTime || x == TypeId::kIntervalYearMonth;
  bool yi = y == TypeId::kIntervalDayTime || y == TypeId::kIntervalYearMonth;
  if (op == Op::kMul && xi && IsNumeric(b)) {
    return y == TypeId::kDouble ? bound(a, b, a, IntervalScale<false, true>)
                                : bound(a, b, a, IntervalScale<false, false>);
  }
  if (op == Op::kMul && yi && IsNumeric(a)) {
    return x == TypeId::kDouble ? bound(a, b, b, Swapped<IntervalScale<false, true>>)
                                : bound(a, b, b, Swapped<IntervalScale<false, false>>);
  }
  if (op == Op::kDiv && xi && IsNumeric(b)) {
    return y == TypeId::kDouble ? bound(a, b, a, IntervalScale<true, true>)
                                : bound(a, b, a, IntervalScale<true, false>);
  }
  return InvalidQuery(args.pos, "Cannot apply operator: " + args.types[0].ToString() + " " +
                                    std::string(args.name) + " " + args.types[1].ToString());
}

Status NegateBigint(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (a[i] == INT64_MIN) return QueryFailed("bigint negation overflow: " + std::to_string(a[i]));
    out->i64()[i] = -a[i];
  }
  return Status::OK();
}

Status NegateDouble(const KernelArgs& in, Vector* out) {
  const double* a = Arg(in, 0).f64();
  for (size_t i = 0; i < in.count; ++i) out->f64()[i] = -a[i];
  return Status::OK();
}

template <double (*F)(double)>
Status UnaryDouble(const KernelArgs& in, Vector* out) {
  const double* a = Arg(in, 0).f64();
  for (size_t i = 0; i < in.count; ++i) out->f64()[i] = F(a[i]);
  return Status::OK();
}

template <double (*F)(double, double)>
Status BinaryDouble(const KernelArgs& in, Vector* out) {
  const double* a = Arg(in, 0).f64();
  const double* b = Arg(in, 1).f64();
  for (size_t i = 0; i < in.count; ++i) out->f64()[i] = F(a[i], b[i]);
  return Status::OK();
}

double Ln(double x) { return std::log(x); }
double Log2(double x) { return std::log2(x); }
double Log10(double x) { return std::log10(x); }
double LogBase(double b, double x) { return std::log(x) / std::log(b); }
double Sqrt(double x) { return std::sqrt(x); }
// glibc's cbrt is not correctly rounded (cbrt(27) = 3.0000000000000004); one Newton step fixes
// exact cubes, as Java's Math.cbrt returns them.
double Cbrt(double x) {
  double r = std::cbrt(x);
  if (!std::isfinite(r) || r == 0) return r;
  double refined = r - (r * r * r - x) / (3 * r * r);
  return std::fabs(refined * refined * refined - x) <= std::fabs(r * r * r - x) ? refined : r;
}
double Exp(double x) { return std::exp(x); }
double Ceil(double x) { return std::ceil(x); }
double Floor(double x) { return std::floor(x); }
double Trunc(double x) { return std::trunc(x); }
double AbsD(double x) { return std::fabs(x); }
double SignD(double x) { return std::isnan(x) ? x : x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }
double RoundD(double x) { return std::round(x); }
double Pow(double a, double b) { return std::pow(a, b); }
double Mod(double a, double b) { return std::fmod(a, b); }
double Degrees(double x) { return x * 180.0 / M_PI; }
double Radians(double x) { return x * M_PI / 180.0; }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Tan(double x) { return std::tan(x); }
double Asin(double x) { return std::asin(x); }
double Acos(double x) { return std::acos(x); }
double Atan(double x) { return std::atan(x); }
double Atan2(double a, double b) { return std::atan2(a, b); }

Status AbsBigint(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (a[i] == INT64_MIN) return QueryFailed("bigint overflow: abs(" + std::to_string(a[i]) + ")");
    out->i64()[i] = a[i] < 0 ? -a[i] : a[i];
  }
  return Status::OK();
}

Status SignBigint(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) out->i64()[i] = (a[i] > 0) - (a[i] < 0);
  return Status::OK();
}

Status IdentityBigint(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) out->i64()[i] = a[i];
  return Status::OK();
}

// round(x, d): half away from zero at d decimal places.
Status RoundDoubleDigits(const KernelArgs& in, Vector* out) {
  const double* a = Arg(in, 0).f64();
  const int64_t* d = Arg(in, 1).i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (!std::isfinite(a[i])) {
      out->f64()[i] = a[i];
      continue;
    }
    int64_t digits = std::clamp<int64_t>(d[i], -308, 308);
    double scale = std::pow(10.0, static_cast<double>(digits));
    double v = std::round(a[i] * scale) / scale;
    out->f64()[i] = std::isfinite(v) ? v : a[i];
  }
  return Status::OK();
}

Status RoundBigintDigits(const KernelArgs& in, Vector* out) {
  const int64_t* a = Arg(in, 0).i64();
  const int64_t* d = Arg(in, 1).i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (d[i] >= 0) {
      out->i64()[i] = a[i];
      continue;
    }
    if (d[i] < -18) {
      out->i64()[i] = 0;
      continue;
    }
    int64_t scale = 1;
    for (int64_t k = 0; k < -d[i]; ++k) scale *= 10;
    int64_t q = a[i] / scale, rem = a[i] % scale;
    if (rem * 2 >= scale) ++q;
    if (rem * 2 <= -scale) --q;
    if (__builtin_mul_overflow(q, scale, &out->i64()[i]))
      return QueryFailed("bigint overflow in round");
  }
  return Status::OK();
}

Status PredicateDouble(const KernelArgs& in, Vector* out, bool (*f)(double)) {
  const double* a = Arg(in, 0).f64();
  for (size_t i = 0; i < in.count; ++i) out->bools()[i] = f(a[i]);
  return Status::OK();
}
bool IsNan(double x) { return std::isnan(x); }
bool IsFinite(double x) { return std::isfinite(x); }
bool IsInfinite(double x) { return std::isinf(x); }
Status IsNanKernel(const KernelArgs& in, Vector* out) { return PredicateDouble(in, out, IsNan); }
Status IsFiniteKernel(const KernelArgs& in, Vector* out) {
  return PredicateDouble(in, out, IsFinite);
}
Status IsInfiniteKernel(const KernelArgs& in, Vector* out) {
  return PredicateDouble(in, out, IsInfinite);
}

template <int which>
Status ConstantDouble(const KernelArgs& in, Vector* out) {
  double v = which == 0 ? M_PI : which == 1 ? M_E : which == 2 ? HUGE_VAL : std::nan("");
  for (size_t i = 0; i < in.count; ++i) out->f64()[i] = v;
  return Status::OK();
}

Status RandomDouble(const KernelArgs& in, Vector* out) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  for (size_t i = 0; i < in.count; ++i) out->f64()[i] = dist(rng);
  return Status::OK();
}

Status RandomBigint(const KernelArgs& in, Vector* out) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const int64_t* n = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    if (n[i] <= 0) return QueryFailed("bound must be positive");
    out->i64()[i] = static_cast<int64_t>(rng() % static_cast<uint64_t>(n[i]));
  }
  return Status::OK();
}

Result<BoundFunction> BindNegate(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 1) return WrongArguments(def, args);
  const Type& t = args.types[0];
  switch (t.id()) {
    case TypeId::kUnknown:
    case TypeId::kBigint:
      return Bound(def, {Type::Bigint()}, Type::Bigint(), NegateBigint);
    case TypeId::kDouble:
      return Bound(def, {t}, t, NegateDouble);
    case TypeId::kIntervalDayTime:
    case TypeId::kIntervalYearMonth:
      return Bound(def, {t}, t, NegateBigint);
    default:
      return InvalidQuery(args.pos, "Cannot negate " + t.ToString());
  }
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry* r) {
  AddGeneric(r, "$add", BindArith<Op::kAdd>, "T + T");
  AddGeneric(r, "$subtract", BindArith<Op::kSub>, "T - T");
  AddGeneric(r, "$multiply", BindArith<Op::kMul>, "T * T");
  AddGeneric(r, "$divide", BindArith<Op::kDiv>, "T / T");
  AddGeneric(r, "$modulus", BindArith<Op::kMod>, "T % T");
  AddGeneric(r, "$negate", BindNegate, "-T");

  const Type B = Type::Bigint(), D = Type::Double(), Bo = Type::Boolean();
  AddFixed(r, "abs", {{{B}, B, AbsBigint}, {{D}, D, UnaryDouble<AbsD>}});
  AddFixed(r, "ceil", {{{B}, B, IdentityBigint}, {{D}, D, UnaryDouble<Ceil>}});
  r->AddAlias("ceiling", "ceil");
  AddFixed(r, "floor", {{{B}, B, IdentityBigint}, {{D}, D, UnaryDouble<Floor>}});
  AddFixed(r, "truncate", {{{B}, B, IdentityBigint}, {{D}, D, UnaryDouble<Trunc>}});
  AddFixed(r, "round",
           {{{B}, B, IdentityBigint},
            {{D}, D, UnaryDouble<RoundD>},
            {{B, B}, B, RoundBigintDigits},
            {{D, B}, D, RoundDoubleDigits}});
  AddFixed(r, "sign", {{{B}, B, SignBigint}, {{D}, D, UnaryDouble<SignD>}});
  AddFixed(r, "sqrt", {{{D}, D, UnaryDouble<Sqrt>}});
  AddFixed(r, "cbrt", {{{D}, D, UnaryDouble<Cbrt>}});
  AddFixed(r, "exp", {{{D}, D, UnaryDouble<Exp>}});
  AddFixed(r, "ln", {{{D}, D, UnaryDouble<Ln>}});
  AddFixed(r, "log2", {{{D}, D, UnaryDouble<Log2>}});
  AddFixed(r, "log10", {{{D}, D, UnaryDouble<Log10>}});
  AddFixed(r, "log", {{{D, D}, D, BinaryDouble<LogBase>}});
  AddFixed(r, "power", {{{D, D}, D, BinaryDouble<Pow>}});
  r->AddAlias("pow", "power");
  AddFixed(r, "mod", {{{B, B}, B, BigintArith<Op::kMod>}, {{D, D}, D, BinaryDouble<Mod>}});
  AddFixed(r, "degrees", {{{D}, D, UnaryDouble<Degrees>}});
  AddFixed(r, "radians", {{{D}, D, UnaryDouble<Radians>}});
  AddFixed(r, "sin", {{{D}, D, UnaryDouble<Sin>}});
  AddFixed(r, "cos", {{{D}, D, UnaryDouble<Cos>}});
  AddFixed(r, "tan", {{{D}, D, UnaryDouble<Tan>}});
  AddFixed(r, "asin", {{{D}, D, UnaryDouble<Asin>}});
  AddFixed(r, "acos", {{{D}, D, UnaryDouble<Acos>}});
  AddFixed(r, "atan", {{{D}, D, UnaryDouble<Atan>}});
  AddFixed(r, "atan2", {{{D, D}, D, BinaryDouble<Atan2>}});
  AddFixed(r, "pi", {{{}, D, ConstantDouble<0>}});
  AddFixed(r, "e", {{{}, D, ConstantDouble<1>}});
  AddFixed(r, "infinity", {{{}, D, ConstantDouble<2>}});
  AddFixed(r, "nan", {{{}, D, ConstantDouble<3>}});
  AddFixed(r, "is_nan", {{{D}, Bo, IsNanKernel}});
  AddFixed(r, "is_finite", {{{D}, Bo, IsFiniteKernel}});
  AddFixed(r, "is_infinite", {{{D}, Bo, IsInfiniteKernel}});
  AddFixed(r, "random", {{{}, D, RandomDouble}, {{B}, B, RandomBigint}}, /*deterministic=*/false);
  r->AddAlias("rand", "random");
}

}  // namespace cairn::sql
