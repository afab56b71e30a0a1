// src/common/status.h
//
// Status and Result<T>: cairn's one error model. A Status is a code from the abseil family plus a
// message that names what failed and where ("trail.json.gz: record 17: eventTime is not a string").
// Result<T> holds either a value or a non-OK Status. Both are [[nodiscard]].
// src/api/errors.cc maps each code to an AWS error name, HTTP status and CLI exit code. A Status
// may also carry a more specific AWS error name ("TrailNotFoundException") that overrides the
// code's default name when the error reaches an API client; see WithAwsError().
//
// Thread-safety: values; a const Status may be read from many threads.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// Returns the code's name, e.g. "InvalidArgument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Unknown(std::string m) { return {StatusCode::kUnknown, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "InvalidArgument: trail.json.gz: record 17: ..." ("OK" when ok()).
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>". OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  // The AWS error name an API client should see for this failure (e.g. "TrailNotFoundException"),
  // when one more specific than the code's default applies; empty otherwise. The code still decides
  // everything else (retry, CLI exit code). See src/api/errors.h.
  const std::string& aws_error() const { return aws_error_; }

  // Returns a copy that carries `name` as its AWS error name. OK stays OK.
  Status WithAwsError(std::string name) const;

  // Marks a Status as deliberately ignored.
  void IgnoreError() const {}

  bool operator==(const Status& o) const {
    return code_ == o.code_ && message_ == o.message_ && aws_error_ == o.aws_error_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string aws_error_;
};

// Result<T> holds a T or a non-OK Status.
// REQUIRES: a Result is never constructed from an OK Status (it becomes kInternal if it is).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result constructed from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  // REQUIRES: ok().
  T& value() & { return Get(); }
  const T& value() const& { return Get(); }
  T&& value() && { return std::move(Get()); }
  T& operator*() & { return Get(); }
  const T& operator*() const& { return Get(); }
  T&& operator*() && { return std::move(Get()); }
  T* operator->() { return &Get(); }
  const T* operator->() const { return &Get(); }

  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  T& Get() {
    if (!ok()) std::abort();  // programmer error: value() of a failed Result
    return std::get<T>(v_);
  }
  const T& Get() const {
    if (!ok()) std::abort();
    return std::get<T>(v_);
  }
  std::variant<T, Status> v_;
};

}  // namespace cairn

#define CAIRN_CONCAT_INNER_(a, b) a##b
#define CAIRN_CONCAT_(a, b) CAIRN_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)              \
  do {                                     \
    ::cairn::Status _cairn_st = (expr);    \
    if (!_cairn_st.ok()) return _cairn_st; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` assigns the value of a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  CAIRN_ASSIGN_OR_RETURN_IMPL_(CAIRN_CONCAT_(_cairn_res_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL_(res, lhs, expr) \
  auto res = (expr);                                 \
  if (!res.ok()) return res.status();                \
  lhs = std::move(res).value()

// Invariant checks: only a bug in cairn can break them. Never use for input validation.
#define CAIRN_CHECK(cond)                                                   \
  do {                                                                      \
    if (!(cond)) ::cairn::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (0)
#ifdef NDEBUG
#define CAIRN_DCHECK(cond) \
  do {                     \
  } while (0)
#else
#define CAIRN_DCHECK(cond) CAIRN_CHECK(cond)
#endif

namespace cairn::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* cond);
}  // namespace cairn::internal
