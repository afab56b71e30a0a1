// src/event/generator/template.h
//
// A generator template: JSON text with ${var} holes (vars.h), compiled once into literal runs and
// variable references so that rendering a record is a handful of appends. Templates hold the
// shapes of requestParameters, responseElements, userIdentity, user agents and so on.
//
// Grammar:  template := (literal | "${" name "}")*     literal never contains "${"
//
// Thread-safety: a compiled Template is immutable; Render may run on many threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "event/generator/vars.h"

namespace cairn::gen {

class Template {
 public:
  Template() = default;

  // Compiles `text`. Fails on an unknown variable name or an unclosed "${".
  static Result<Template> Compile(std::string_view text);
  // Compiles `text`, which is part of the generator's own tables: a failure is a bug.
  static Template MustCompile(std::string_view text);

  // Appends the template to `out`, asking `resolve(Var)` for each hole's value.
  template <typename Resolver>
  void Render(Resolver&& resolve, std::string* out) const {
    for (const Piece& p : pieces_) {
      if (p.is_var) {
        std::string_view v = resolve(p.var);
        out->append(v.data(), v.size());
      } else {
        out->append(literals_.data() + p.begin, p.length);
      }
    }
  }

  bool empty() const { return pieces_.empty(); }
  // True if the template names `v`.
  bool Uses(Var v) const;
  // The text it was compiled from.
  const std::string& source() const { return source_; }

 private:
  struct Piece {
    bool is_var;
    Var var;
    uint32_t begin, length;  // into literals_
  };
  std::string source_;
  std::string literals_;
  std::vector<Piece> pieces_;
};

}  // namespace cairn::gen
