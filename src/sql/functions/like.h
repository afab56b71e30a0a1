// src/sql/functions/like.h
//
// LikePattern: a compiled SQL LIKE pattern. '%' matches any run of code points, '_' exactly one;
// an escape character makes the next '%', '_' or itself literal. Simple shapes ('abc', 'abc%',
// '%abc', '%abc%') compile to a plain comparison or search; the rest match with a backtracking
// glob algorithm that is O(len(s) * len(pattern)) in the worst case and never recursive.
//
// The planner reads prefix() to push 'abc%' into the store's scan.
//
// Thread-safety: immutable after Compile(); Match() is const.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::sql {

class LikePattern {
 public:
  enum class Shape : uint8_t { kExact, kPrefix, kSuffix, kContains, kGeneral };

  // Errors (InvalidArgument, plain message): an escape that is not one character, or an escape
  // character not followed by '%', '_' or itself.
  static Result<LikePattern> Compile(std::string_view pattern, bool has_escape,
                                     std::string_view escape);

  bool Match(std::string_view s) const;

  Shape shape() const { return shape_; }
  // The literal text before the first wildcard (the whole pattern for kExact).
  const std::string& prefix() const { return prefix_; }

 private:
  struct Token {
    enum class Kind : uint8_t { kLiteral, kOne, kAny } kind;
    std::string text;
  };
  Shape shape_ = Shape::kGeneral;
  std::string literal_;  // kExact, kPrefix, kSuffix, kContains
  std::string prefix_;
  std::vector<Token> tokens_;
};

}  // namespace cairn::sql
