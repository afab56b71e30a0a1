// src/sql/functions/kernel_util.h
//
// Small helpers for writing kernels and registering fixed-signature functions: argument access,
// UTF-8 code point handling (Trino's string functions count code points, not bytes), and
// registration shorthands.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/function_registry.h"

namespace cairn::sql::kernel {

inline const Vector& Arg(const KernelArgs& in, size_t i) { return *in.args[i]; }

// The number of code points in valid UTF-8 (continuation bytes are not counted).
inline size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Byte offset of code point `cp` (0-based); s.size() when past the end.
inline size_t Utf8Offset(std::string_view s, size_t cp) {
  size_t i = 0;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --cp;
  }
  return i;
}

// Decodes the code point at s[*i] and advances; invalid bytes decode as themselves.
inline uint32_t DecodeUtf8(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (*i + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += static_cast<size_t>(len);
  return cp;
}

inline void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Registers a function with fixed overloads.
inline void AddFixed(FunctionRegistry* r, const std::string& name, std::vector<Overload> overloads,
                     bool deterministic = true) {
  ScalarFunctionDef def;
  def.name = name;
  def.overloads = std::move(overloads);
  def.deterministic = deterministic;
  r->AddScalar(std::move(def));
}

// Registers a function with its own binder.
inline void AddGeneric(FunctionRegistry* r, const std::string& name, ScalarBinder bind,
                       std::string usage, LambdaTyper lambda_types = nullptr) {
  ScalarFunctionDef def;
  def.name = name;
  def.bind = bind;
  def.usage = std::move(usage);
  def.lambda_types = lambda_types;
  r->AddScalar(std::move(def));
}

inline BoundFunction Bound(const ScalarFunctionDef& def, std::vector<Type> args, Type result,
                           ScalarKernel kernel, NullHandling nulls = NullHandling::kPropagate) {
  BoundFunction f;
  f.name = def.name;
  f.arg_types = std::move(args);
  f.result_type = std::move(result);
  f.kernel = kernel;
  f.nulls = nulls;
  return f;
}

// The constant string argument `i`, or nullptr when it is not a constant.
inline const std::string* ConstantString(const BindArgs& args, size_t i) {
  if (i >= args.constants.size() || args.constants[i] == nullptr || args.constants[i]->is_null)
    return nullptr;
  return &args.constants[i]->str;
}

}  // namespace cairn::sql::kernel
