// Date and time functions. Timestamps are UTC microseconds (see datetime.h); every function works
// in UTC, which is how the Lake stores eventTime.
#include <cmath>
#include <optional>

#include "sql/datetime.h"
#include "sql/functions/kernel_util.h"
#include "sql/lexer.h"

namespace cairn::sql {
namespace {

using datetime::Civil;
using datetime::FloorDiv;
using datetime::kMicrosPerDay;
using datetime::kMicrosPerHour;
using datetime::kMicrosPerMinute;
using datetime::kMicrosPerSecond;
using kernel::AddFixed;
using kernel::AddGeneric;
using kernel::Arg;
using kernel::Bound;

const Type V = Type::Varchar();
const Type B = Type::Bigint();
const Type Ts = Type::Timestamp();
const Type Dt = Type::Date();

enum class Unit : uint8_t {
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear
};

std::optional<Unit> ParseUnit(std::string_view s) {
  std::string u = AsciiLower(s);
  if (u == "millisecond") return Unit::kMillisecond;
  if (u == "second") return Unit::kSecond;
  if (u == "minute") return Unit::kMinute;
  if (u == "hour") return Unit::kHour;
  if (u == "day") return Unit::kDay;
  if (u == "week") return Unit::kWeek;
  if (u == "month") return Unit::kMonth;
  if (u == "quarter") return Unit::kQuarter;
  if (u == "year") return Unit::kYear;
  return std::nullopt;
}

std::string BadUnit(std::string_view s) {
  return "'" + std::string(s) + "' is not a valid Timestamp field";
}

struct UnitData : FunctionData {
  Unit unit;
};

// The unit of row i: the constant one, or parsed from argument 0.
Result<Unit> UnitOf(const KernelArgs& in, size_t i) {
  if (in.data) return static_cast<const UnitData*>(in.data)->unit;
  std::string_view s = Arg(in, 0).strs()[i];
  auto u = ParseUnit(s);
  if (!u) return QueryFailed(BadUnit(s));
  return *u;
}

// Binds f(unit varchar, ...): validates a constant unit now.
Result<BoundFunction> BindWithUnit(const ScalarFunctionDef& def, const BindArgs& args,
                                   std::vector<Type> types, Type result, ScalarKernel kernel,
                                   bool date_units_only) {
  BoundFunction f = Bound(def, std::move(types), std::move(result), kernel);
  if (const std::string* s = kernel::ConstantString(args, 0)) {
    auto u = ParseUnit(*s);
    if (!u) return InvalidQuery(args.pos, BadUnit(*s));
    if (date_units_only && *u < Unit::kDay) {
      return InvalidQuery(args.pos, "'" + *s + "' is not a valid DATE field");
    }
    auto data = std::make_shared<UnitData>();
    data->unit = *u;
    f.data = std::move(data);
  }
  return f;
}

int64_t AddMonths(int64_t micros, int64_t months) {
  Civil c = datetime::ToCivil(micros);
  int64_t m = c.year * 12 + (c.month - 1) + months;
  c.year = FloorDiv(m, 12);
  c.month = static_cast<int>(datetime::FloorMod(m, 12)) + 1;
  c.day = std::min(c.day, datetime::DaysInMonth(c.year, c.month));
  return datetime::FromCivil(c);
}

Result<int64_t> AddUnit(int64_t micros, Unit u, int64_t n) {
  int64_t step = 0;
  switch (u) {
    case Unit::kMillisecond:
      step = 1000;
      break;
    case Unit::kSecond:
      step = kMicrosPerSecond;
      break;
    case Unit::kMinute:
      step = kMicrosPerMinute;
      break;
    case Unit::kHour:
      step = kMicrosPerHour;
      break;
    case Unit::kDay:
      step = kMicrosPerDay;
      break;
    case Unit::kWeek:
      step = 7 * kMicrosPerDay;
      break;
    case Unit::kMonth:
      return AddMonths(micros, n);
    case Unit::kQuarter:
      return AddMonths(micros, n * 3);
    case Unit::kYear:
      return AddMonths(micros, n * 12);
  }
  int64_t delta, out;
  if (__builtin_mul_overflow(n, step, &delta) || __builtin_add_overflow(micros, delta, &out)) {
    return QueryFailed("date_add overflow");
  }
  return out;
}

int64_t Trunc(int64_t micros, Unit u) {
  switch (u) {
    case Unit::kMillisecond:
      return FloorDiv(micros, 1000) * 1000;
    case Unit::kSecond:
      return FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
    case Unit::kMinute:
      return FloorDiv(micros, kMicrosPerMinute) * kMicrosPerMinute;
    case Unit::kHour:
      return FloorDiv(micros, kMicrosPerHour) * kMicrosPerHour;
    case Unit::kDay:
      return FloorDiv(micros, kMicrosPerDay) * kMicrosPerDay;
    case Unit::kWeek: {
      int64_t days = FloorDiv(micros, kMicrosPerDay);
      return (days - (datetime::DayOfWeek(days) - 1)) * kMicrosPerDay;
    }
    default:
      break;
  }
  Civil c = datetime::ToCivil(micros);
  c.day = 1;
  c.hour = c.minute = c.second = 0;
  c.micros = 0;
  if (u == Unit::kQuarter) c.month = (c.month - 1) / 3 * 3 + 1;
  if (u == Unit::kYear) c.month = 1;
  return datetime::FromCivil(c);
}

// Whole units from a to b (toward zero), months counted on the calendar.
int64_t Diff(int64_t a, int64_t b, Unit u) {
  switch (u) {
    case Unit::kMillisecond:
      return (b - a) / 1000;
    case Unit::kSecond:
      return (b - a) / kMicrosPerSecond;
    case Unit::kMinute:
      return (b - a) / kMicrosPerMinute;
    case Unit::kHour:
      return (b - a) / kMicrosPerHour;
    case Unit::kDay:
      return (b - a) / kMicrosPerDay;
    case Unit::kWeek:
      return (b - a) / (7 * kMicrosPerDay);
    default:
      break;
  }
  Civil x = datetime::ToCivil(a), y = datetime::ToCivil(b);
  int64_t months = (y.year - x.year) * 12 + (y.month - x.month);
  // The rest of the month (day and time) must have been reached for the month to count.
  int64_t shifted = AddMonths(a, months);
  if (months > 0 && shifted > b) --months;
  if (months < 0 && shifted < b) ++months;
  if (u == Unit::kQuarter) return months / 3;
  if (u == Unit::kYear) return months / 12;
  return months;
}

template <bool is_date>
Status DateAddKernel(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(Unit u, UnitOf(in, i));
    int64_t t = Arg(in, 2).i64()[i];
    if (is_date) {
      if (u < Unit::kDay) return QueryFailed("date_add on a date requires a unit of day or larger");
      t *= kMicrosPerDay;
    }
    ASSIGN_OR_RETURN(int64_t r, AddUnit(t, u, Arg(in, 1).i64()[i]));
    out->i64()[i] = is_date ? FloorDiv(r, kMicrosPerDay) : r;
  }
  return Status::OK();
}

Result<BoundFunction> BindDateAdd(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 3 || !CanCoerce(args.types[0], V) || !CanCoerce(args.types[1], B)) {
    return WrongArguments(def, args);
  }
  if (args.types[2].id() == TypeId::kDate) {
    return BindWithUnit(def, args, {V, B, Dt}, Dt, DateAddKernel<true>, true);
  }
  if (!CanCoerce(args.types[2], Ts)) return WrongArguments(def, args);
  return BindWithUnit(def, args, {V, B, Ts}, Ts, DateAddKernel<false>, false);
}

template <bool is_date>
Status DateDiffKernel(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(Unit u, UnitOf(in, i));
    int64_t a = Arg(in, 1).i64()[i], b = Arg(in, 2).i64()[i];
    if (is_date) {
      a *= kMicrosPerDay;
      b *= kMicrosPerDay;
    }
    out->i64()[i] = Diff(a, b, u);
  }
  return Status::OK();
}

Result<BoundFunction> BindDateDiff(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 3 || !CanCoerce(args.types[0], V)) return WrongArguments(def, args);
  if (args.types[1].id() == TypeId::kDate && args.types[2].id() == TypeId::kDate) {
    return BindWithUnit(def, args, {V, Dt, Dt}, B, DateDiffKernel<true>, true);
  }
  if (!CanCoerce(args.types[1], Ts) || !CanCoerce(args.types[2], Ts))
    return WrongArguments(def, args);
  return BindWithUnit(def, args, {V, Ts, Ts}, B, DateDiffKernel<false>, false);
}

template <bool is_date>
Status DateTruncKernel(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RETURN(Unit u, UnitOf(in, i));
    int64_t t = Arg(in, 1).i64()[i];
    if (is_date) {
      if (u < Unit::kDay)
        return QueryFailed("date_trunc on a date requires a unit of day or larger");
      out->i64()[i] = FloorDiv(Trunc(t * kMicrosPerDay, u), kMicrosPerDay);
    } else {
      out->i64()[i] = Trunc(t, u);
    }
  }
  return Status::OK();
}

Result<BoundFunction> BindDateTrunc(const ScalarFunctionDef& def, const BindArgs& args) {
  if (args.types.size() != 2 || !CanCoerce(args.types[0], V)) return WrongArguments(def, args);
  if (args.types[1].id() == TypeId::kDate)
    return BindWithUnit(def, args, {V, Dt}, Dt, DateTruncKernel<true>, true);
  if (!CanCoerce(args.types[1], Ts)) return WrongArguments(def, args);
  return BindWithUnit(def, args, {V, Ts}, Ts, DateTruncKernel<false>, false);
}

enum class Field : uint8_t {
  kYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kDayOfWeek,
  kDayOfYear,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kYearOfWeek,
};

template <Field f>
Status ExtractKernel(const KernelArgs& in, Vector* out) {
  const int64_t* t = Arg(in, 0).i64();
  for (size_t i = 0; i < in.count; ++i) {
    int64_t micros = t[i];
    int64_t days = FloorDiv(micros, kMicrosPerDay);
    int64_t v = 0;
    switch (f) {
      case Field::kHour:
        v = FloorDiv(micros - days * kMicrosPerDay, kMicrosPerHour);
        break;
      case Field::kMinute:
        v = datetime::FloorMod(FloorDiv(micros, kMicrosPerMinute), 60);
        break;
      case Field::kSecond:
        v = datetime::FloorMod(FloorDiv(micros, kMicrosPerSecond), 60);
        break;
      case Field::kMillisecond:
        v = datetime::FloorMod(FloorDiv(micros, 1000), 1000);
        break;
      case Field::kDayOfWeek:
        v = datetime::DayOfWeek(days);
        break;
      case Field::kWeek:
      case Field::kYearOfWeek: {
        int week;
        int64_t wy;
        datetime::IsoWeek(days, &week, &wy);
        v = f == Field::kWeek ? week : wy;
        break;
      }
      default: {
        int64_t y;
        int m, d;
        datetime::CivilFromDays(days, &y, &m, &d);
        switch (f) {
          case Field::kYear:
            v = y;
            break;
          case Field::kQuarter:
            v = (m - 1) / 3 + 1;
            break;
          case Field::kMonth:
            v = m;
            break;
          case Field::kDay:
            v = d;
            break;
          case Field::kDayOfYear:
            v = days - datetime::DaysFromCivil(y, 1, 1) + 1;
            break;
          default:
            break;
        }
      }
    }
    out->i64()[i] = v;
  }
  return Status::OK();
}

Status NowKernel(const KernelArgs& in, Vector* out) {
  // Millisecond precision, as the Lake renders timestamps.
  int64_t now = FloorDiv(in.now_micros, 1000) * 1000;
  for (size_t i = 0; i < in.count; ++i) out->i64()[i] = now;
  return Status::OK();
}

Status TodayKernel(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) out->i64()[i] = FloorDiv(in.now_micros, kMicrosPerDay);
  return Status::OK();
}

Status TimestampToDate(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i)
    out->i64()[i] = FloorDiv(Arg(in, 0).i64()[i], kMicrosPerDay);
  return Status::OK();
}

Status VarcharToDate(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    if (!datetime::ParseDate(s, &out->i64()[i]))
      return QueryFailed("Value cannot be cast to date: " + std::string(s));
  }
  return Status::OK();
}

Status FromIso8601Timestamp(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    if (!datetime::ParseTimestamp(s, &out->i64()[i])) {
      return QueryFailed("Invalid format: \"" + std::string(s) + "\"");
    }
  }
  return Status::OK();
}

Status FromIso8601Date(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = Arg(in, 0).strs()[i];
    if (!datetime::ParseDate(s, &out->i64()[i]))
      return QueryFailed("Invalid format: \"" + std::string(s) + "\"");
  }
  return Status::OK();
}

Status ToIso8601Timestamp(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    out->strs()[i] = out->AddString(datetime::FormatIso8601(Arg(in, 0).i64()[i]));
  }
  return Status::OK();
}

Status ToIso8601Date(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    out->strs()[i] = out->AddString(datetime::FormatDate(Arg(in, 0).i64()[i]));
  }
  return Status::OK();
}

Status FromUnixtimeDouble(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    double s = Arg(in, 0).f64()[i];
    if (!std::isfinite(s) || std::fabs(s) > 9.2e12)
      return QueryFailed("from_unixtime value out of range");
    out->i64()[i] = static_cast<int64_t>(std::floor(s * 1000)) * 1000;
  }
  return Status::OK();
}

Status ToUnixtime(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i)
    out->f64()[i] = static_cast<double>(Arg(in, 0).i64()[i]) / kMicrosPerSecond;
  return Status::OK();
}

Status LastDayOfMonth(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    int64_t days = FloorDiv(Arg(in, 0).i64()[i], kMicrosPerDay);
    int64_t y;
    int m, d;
    datetime::CivilFromDays(days, &y, &m, &d);
    out->i64()[i] = datetime::DaysFromCivil(y, m, datetime::DaysInMonth(y, m));
  }
  return Status::OK();
}

const char* const kMonthNames[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
const char* const kDayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return v < 0 ? "-" + s : s;
}

// MySQL date_format specifiers (Trino's date_format).
Status FormatMysql(int64_t micros, std::string_view fmt, std::string* out) {
  Civil c = datetime::ToCivil(micros);
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int dow = datetime::DayOfWeek(days);  // 1 = Monday
  int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  for (size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%' || k + 1 >= fmt.size()) {
      out->push_back(fmt[k]);
      continue;
    }
    char s = fmt[++k];
    switch (s) {
      case 'a':
        out->append(std::string(kDayNames[dow - 1]).substr(0, 3));
        break;
      case 'b':
        out->append(std::string(kMonthNames[c.month - 1]).substr(0, 3));
        break;
      case 'c':
        out->append(std::to_string(c.month));
        break;
      case 'd':
        out->append(Pad(c.day, 2));
        break;
      case 'e':
        out->append(std::to_string(c.day));
        break;
      case 'f':
        out->append(Pad(c.micros, 6));
        break;
      case 'H':
        out->append(Pad(c.hour, 2));
        break;
      case 'h':
      case 'I':
        out->append(Pad(hour12, 2));
        break;
      case 'i':
        out->append(Pad(c.minute, 2));
        break;
      case 'j':
        out->append(Pad(days - datetime::DaysFromCivil(c.year, 1, 1) + 1, 3));
        break;
      case 'k':
        out->append(std::to_string(c.hour));
        break;
      case 'l':
        out->append(std::to_string(hour12));
        break;
      case 'M':
        out->append(kMonthNames[c.month - 1]);
        break;
      case 'm':
        out->append(Pad(c.month, 2));
        break;
      case 'p':
        out->append(c.hour < 12 ? "AM" : "PM");
        break;
      case 'r':
        out->append(Pad(hour12, 2) + ":" + Pad(c.minute, 2) + ":" + Pad(c.second, 2) +
                    (c.hour < 12 ? " AM" : " PM"));
        break;
      case 'S':
      case 's':
        out->append(Pad(c.second, 2));
        break;
      case 'T':
        out->append(Pad(c.hour, 2) + ":" + Pad(c.minute, 2) + ":" + Pad(c.second, 2));
        break;
      case 'v': {
        int week;
        int64_t wy;
        datetime::IsoWeek(days, &week, &wy);
        out->append(Pad(week, 2));
        break;
      }
      case 'x': {
        int week;
        int64_t wy;
        datetime::IsoWeek(days, &week, &wy);
        out->append(Pad(wy, 4));
        break;
      }
      case 'W':
        out->append(kDayNames[dow - 1]);
        break;
      case 'w':
        out->append(std::to_string(dow % 7));
        break;
      case 'Y':
        out->append(Pad(c.year, 4));
        break;
      case 'y':
        out->append(Pad(datetime::FloorMod(c.year, 100), 2));
        break;
      case '%':
        out->push_back('%');
        break;
      case 'D': {
        int d = c.day;
        const char* suffix = (d % 100 >= 11 && d % 100 <= 13) ? "th"
                             : d % 10 == 1                    ? "st"
                             : d % 10 == 2                    ? "nd"
                             : d % 10 == 3                    ? "rd"
                                                              : "th";
        out->append(std::to_string(d) + suffix);
        break;
      }
      case 'U':
      case 'u':
      case 'V':
      case 'X':
        return QueryFailed(std::string("%") + s + " not supported in date format string");
      default:
        out->push_back(s);
        break;
    }
  }
  return Status::OK();
}

Status DateFormat(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    buf.clear();
    RETURN_IF_ERROR(FormatMysql(Arg(in, 0).i64()[i], Arg(in, 1).strs()[i], &buf));
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

// date_parse(string, format) with MySQL specifiers.
Status ParseMysql(std::string_view s, std::string_view fmt, int64_t* micros) {
  Civil c;
  c.year = 1970;
  size_t p = 0;
  bool pm = false, has_ampm = false;
  auto number = [&](int max_digits, int64_t* v) {
    size_t start = p;
    bool neg = false;
    if (p < s.size() && s[p] == '-') {
      neg = true;
      ++p;
    }
    int64_t n = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9' &&
           static_cast<int>(p - start) < max_digits + neg) {
      n = n * 10 + (s[p] - '0');
      ++p;
    }
    *v = neg ? -n : n;
    return p > start + neg;
  };
  auto fail = [&]() { return QueryFailed("Invalid format: \"" + std::string(s) + "\""); };
  for (size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%' || k + 1 >= fmt.size()) {
      if (p >= s.size() || s[p] != fmt[k]) return fail();
      ++p;
      continue;
    }
    char spec = fmt[++k];
    int64_t v = 0;
    switch (spec) {
      case 'Y':
        if (!number(4, &v)) return fail();
        c.year = v;
        break;
      case 'y':
        if (!number(2, &v)) return fail();
        c.year = v < 70 ? 2000 + v : 1900 + v;
        break;
      case 'm':
      case 'c':
        if (!number(2, &v)) return fail();
        c.month = static_cast<int>(v);
        break;
      case 'd':
      case 'e':
        if (!number(2, &v)) return fail();
        c.day = static_cast<int>(v);
        break;
      case 'H':
      case 'k':
        if (!number(2, &v)) return fail();
        c.hour = static_cast<int>(v);
        break;
      case 'h':
      case 'I':
      case 'l':
        if (!number(2, &v)) return fail();
        c.hour = static_cast<int>(v % 12);
        break;
      case 'i':
        if (!number(2, &v)) return fail();
        c.minute = static_cast<int>(v);
        break;
      case 'S':
      case 's':
        if (!number(2, &v)) return fail();
        c.second = static_cast<int>(v);
        break;
      case 'f': {
        size_t start = p;
        int64_t frac = 0;
        int n = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9' && n < 9) {
          if (n < 6) frac = frac * 10 + (s[p] - '0');
          ++n;
          ++p;
        }
        if (p == start) return fail();
        for (int z = n; z < 6; ++z) frac *= 10;
        c.micros = frac;
        break;
      }
      case 'p': {
        std::string ap(s.substr(p, 2));
        if (EqualsIgnoreCase(ap, "AM")) {
          pm = false;
        } else if (EqualsIgnoreCase(ap, "PM")) {
          pm = true;
        } else {
          return fail();
        }
        has_ampm = true;
        p += 2;
        break;
      }
      case 'T': {
        int64_t h, mi, se;
        if (!number(2, &h) || p >= s.size() || s[p++] != ':' || !number(2, &mi) || p >= s.size() ||
            s[p++] != ':' || !number(2, &se)) {
          return fail();
        }
        c.hour = static_cast<int>(h);
        c.minute = static_cast<int>(mi);
        c.second = static_cast<int>(se);
        break;
      }
      case 'M':
      case 'b': {
        bool found = false;
        for (int mi = 0; mi < 12 && !found; ++mi) {
          std::string name = kMonthNames[mi];
          if (spec == 'b') name = name.substr(0, 3);
          if (EqualsIgnoreCase(s.substr(p, name.size()), name)) {
            c.month = mi + 1;
            p += name.size();
            found = true;
          }
        }
        if (!found) return fail();
        break;
      }
      case '%':
        if (p >= s.size() || s[p] != '%') return fail();
        ++p;
        break;
      default:
        return QueryFailed(std::string("%") + spec + " not supported in date format string");
    }
  }
  if (p != s.size()) return fail();
  if (has_ampm && pm) c.hour += 12;
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > datetime::DaysInMonth(c.year, c.month) ||
      c.hour > 23 || c.minute > 59 || c.second > 59) {
    return fail();
  }
  *micros = datetime::FromCivil(c);
  return Status::OK();
}

Status DateParse(const KernelArgs& in, Vector* out) {
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    RETURN_IF_ERROR(ParseMysql(Arg(in, 0).strs()[i], Arg(in, 1).strs()[i], &out->i64()[i]));
  }
  return Status::OK();
}

// format_datetime(ts, Joda pattern): the common letters.
Status FormatJoda(int64_t micros, std::string_view fmt, std::string* out) {
  Civil c = datetime::ToCivil(micros);
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  for (size_t k = 0; k < fmt.size();) {
    char ch = fmt[k];
    if (ch == '\'') {
      size_t end = fmt.find('\'', k + 1);
      if (end == k + 1) {
        out->push_back('\'');
        k += 2;
        continue;
      }
      if (end == std::string_view::npos) end = fmt.size();
      out->append(fmt.substr(k + 1, end - k - 1));
      k = end + 1;
      continue;
    }
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
      out->push_back(ch);
      ++k;
      continue;
    }
    size_t n = 1;
    while (k + n < fmt.size() && fmt[k + n] == ch) ++n;
    int w = static_cast<int>(n);
    switch (ch) {
      case 'y':
      case 'Y':
      case 'x':
        out->append(n == 2 ? Pad(datetime::FloorMod(c.year, 100), 2) : Pad(c.year, w));
        break;
      case 'M':
        if (n >= 4) {
          out->append(kMonthNames[c.month - 1]);
        } else if (n == 3) {
          out->append(std::string(kMonthNames[c.month - 1]).substr(0, 3));
        } else {
          out->append(Pad(c.month, w));
        }
        break;
      case 'd':
        out->append(Pad(c.day, w));
        break;
      case 'D':
        out->append(Pad(days - datetime::DaysFromCivil(c.year, 1, 1) + 1, w));
        break;
      case 'H':
        out->append(Pad(c.hour, w));
        break;
      case 'k':
        out->append(Pad(c.hour == 0 ? 24 : c.hour, w));
        break;
      case 'h':
        out->append(Pad(c.hour % 12 == 0 ? 12 : c.hour % 12, w));
        break;
      case 'K':
        out->append(Pad(c.hour % 12, w));
        break;
      case 'm':
        out->append(Pad(c.minute, w));
        break;
      case 's':
        out->append(Pad(c.second, w));
        break;
      case 'S': {
        std::string frac = Pad(c.micros, 6);
        if (n <= 6) {
          out->append(frac.substr(0, n));
        } else {
          out->append(frac + std::string(n - 6, '0'));
        }
        break;
      }
      case 'a':
        out->append(c.hour < 12 ? "AM" : "PM");
        break;
      case 'E': {
        std::string day = kDayNames[datetime::DayOfWeek(days) - 1];
        out->append(n >= 4 ? day : day.substr(0, 3));
        break;
      }
      case 'e':
        out->append(Pad(datetime::DayOfWeek(days), w));
        break;
      case 'w': {
        int week;
        int64_t wy;
        datetime::IsoWeek(days, &week, &wy);
        out->append(Pad(week, w));
        break;
      }
      case 'Z':
        out->append(n == 1 ? "+0000" : n == 2 ? "+00:00" : "UTC");
        break;
      case 'z':
        out->append("UTC");
        break;
      case 'G':
        out->append(c.year > 0 ? "AD" : "BC");
        break;
      case 'C':
        out->append(Pad(c.year / 100, w));
        break;
      default:
        return QueryFailed(std::string("Illegal pattern component: ") + ch);
    }
    k += n;
  }
  return Status::OK();
}

Status FormatDatetime(const KernelArgs& in, Vector* out) {
  std::string buf;
  for (size_t i = 0; i < in.count; ++i) {
    if (out->IsNull(i)) continue;
    buf.clear();
    RETURN_IF_ERROR(FormatJoda(Arg(in, 0).i64()[i], Arg(in, 1).strs()[i], &buf));
    out->strs()[i] = out->AddString(buf);
  }
  return Status::OK();
}

}  // namespace

void RegisterDateFunctions(FunctionRegistry* r) {
  AddFixed(r, "current_timestamp", {{{}, Ts, NowKernel}});
  r->AddAlias("now", "current_timestamp");
  r->AddAlias("localtimestamp", "current_timestamp");
  AddFixed(r, "current_date", {{{}, Dt, TodayKernel}});
  AddFixed(r, "date", {{{Ts}, Dt, TimestampToDate}, {{V}, Dt, VarcharToDate}});
  AddGeneric(r, "date_add", BindDateAdd, "date_add(varchar, bigint, timestamp|date)");
  AddGeneric(r, "date_diff", BindDateDiff, "date_diff(varchar, timestamp, timestamp)");
  AddGeneric(r, "date_trunc", BindDateTrunc, "date_trunc(varchar, timestamp|date)");
  struct {
    const char* name;
    ScalarKernel kernel;
  } extractors[] = {
      {"year", ExtractKernel<Field::kYear>},
      {"quarter", ExtractKernel<Field::kQuarter>},
      {"month", ExtractKernel<Field::kMonth>},
      {"week", ExtractKernel<Field::kWeek>},
      {"week_of_year", ExtractKernel<Field::kWeek>},
      {"day", ExtractKernel<Field::kDay>},
      {"day_of_month", ExtractKernel<Field::kDay>},
      {"day_of_week", ExtractKernel<Field::kDayOfWeek>},
      {"dow", ExtractKernel<Field::kDayOfWeek>},
      {"day_of_year", ExtractKernel<Field::kDayOfYear>},
      {"doy", ExtractKernel<Field::kDayOfYear>},
      {"hour", ExtractKernel<Field::kHour>},
      {"minute", ExtractKernel<Field::kMinute>},
      {"second", ExtractKernel<Field::kSecond>},
      {"millisecond", ExtractKernel<Field::kMillisecond>},
      {"year_of_week", ExtractKernel<Field::kYearOfWeek>},
      {"yow", ExtractKernel<Field::kYearOfWeek>},
  };
  for (const auto& e : extractors) AddFixed(r, e.name, {{{Ts}, B, e.kernel}});
  AddFixed(r, "from_iso8601_timestamp", {{{V}, Ts, FromIso8601Timestamp}});
  AddFixed(r, "from_iso8601_date", {{{V}, Dt, FromIso8601Date}});
  AddFixed(r, "to_iso8601", {{{Dt}, V, ToIso8601Date}, {{Ts}, V, ToIso8601Timestamp}});
  AddFixed(r, "date_format", {{{Ts, V}, V, DateFormat}});
  AddFixed(r, "date_parse", {{{V, V}, Ts, DateParse}});
  AddFixed(r, "format_datetime", {{{Ts, V}, V, FormatDatetime}});
  AddFixed(r, "from_unixtime", {{{Type::Double()}, Ts, FromUnixtimeDouble}});
  AddFixed(r, "to_unixtime", {{{Ts}, Type::Double(), ToUnixtime}});
  AddFixed(r, "last_day_of_month", {{{Ts}, Dt, LastDayOfMonth}});
}

}  // namespace cairn::sql
