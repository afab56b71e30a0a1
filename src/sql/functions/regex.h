// src/sql/functions/regex.h
//
// Regex: the regular expressions of regexp_like, regexp_extract and friends. A Pike VM over UTF-8
// code points: matching takes O(len(text) * len(program)) time whatever the pattern and never
// recurses on the input, so a hostile pattern or a huge eventjson cannot hang or crash a query.
// Semantics are leftmost-first (Perl/Java: the first alternative that matches wins, greedy
// quantifiers take as much as they can), which is what Trino users expect.
//
// Syntax (a Java-compatible subset):
//   literals, escapes \t \n \r \f \e \xhh \uhhhh, and \ before any punctuation
//   .  (any code point except \n and \r; with (?s) any)   ^ $ (with (?m) at line breaks)
//   [abc] [^a-z] with escapes and \d \w \s inside; \d \D \w \W \s \S \b \B \A \z \Z
//   groups (...), (?:...), (?<name>...); flags (?i) (?s) (?m) (?-i) and (?i:...)
//   quantifiers * + ? {n} {n,} {n,m}, each optionally lazy (?)
// Not supported (compile error): backreferences, lookaround, possessive quantifiers, \p{...}.
//
// Thread-safety: immutable after Compile(); Search() is const and reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::sql {

class Regex {
 public:
  // Errors are InvalidArgument with a plain message ("Invalid regular expression: ...").
  static Result<Regex> Compile(std::string_view pattern);

  // Finds the leftmost-first match starting at byte offset `start` or later. On success fills
  // `groups` (if not null) with 2 * (group_count() + 1) byte offsets: [begin, end) of the whole
  // match then of each group, -1 for a group that did not take part.
  bool Search(std::string_view text, size_t start, std::vector<int64_t>* groups) const;

  // Capturing groups, not counting the whole match.
  int group_count() const { return groups_; }
  // Group number of a named group, or -1.
  int GroupIndex(std::string_view name) const;

 private:
  enum class Op : uint8_t {
    kChar,
    kAny,
    kAnyNl,
    kClass,
    kSplit,
    kJmp,
    kSave,
    kMatch,
    kBol,
    kEol,
    kBegin,
    kEnd,
    kEndOrFinalNl,
    kWordB,
    kNotWordB,
  };
  struct Inst {
    Op op;
    uint32_t x = 0, y = 0;  // kChar: code point in x, case-folded if y; kSplit/kJmp targets;
                            // kSave: slot in x; kClass: class index in x
  };
  struct Class {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    bool negated = false;
    bool Contains(uint32_t cp) const;
  };
  friend class RegexCompiler;

  std::vector<Inst> prog_;
  std::vector<Class> classes_;
  int groups_ = 0;
  std::vector<std::pair<std::string, int>> names_;
};

}  // namespace cairn::sql
