#include "event/generator/template.h"

#include <array>

namespace cairn::gen {
namespace {

constexpr std::array<std::string_view, kVarCount> kVarNames = {
#define CAIRN_GEN_VAR_NAME(id, name) name,
    CAIRN_GEN_VARS(CAIRN_GEN_VAR_NAME)
#undef CAIRN_GEN_VAR_NAME
};

}  // namespace

std::string_view VarName(Var v) { return kVarNames[static_cast<int>(v)]; }

bool LookupVar(std::string_view name, Var* out) {
  for (int i = 0; i < kVarCount; ++i) {
    if (kVarNames[i] == name) {
      *out = static_cast<Var>(i);
      return true;
    }
  }
  return false;
}

Result<Template> Template::Compile(std::string_view text) {
  Template t;
  t.source_ = std::string(text);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    size_t lit_end = open == std::string_view::npos ? text.size() : open;
    if (lit_end > pos) {
      Piece p{false, Var::kCount, static_cast<uint32_t>(t.literals_.size()),
              static_cast<uint32_t>(lit_end - pos)};
      t.literals_.append(text.substr(pos, lit_end - pos));
      t.pieces_.push_back(p);
    }
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("template: unclosed ${ at offset " + std::to_string(open));
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    Var v;
    if (!LookupVar(name, &v)) {
      return Status::InvalidArgument("template: unknown variable ${" + std::string(name) +
                                     "} at offset " + std::to_string(open));
    }
    t.pieces_.push_back(Piece{true, v, 0, 0});
    pos = close + 1;
  }
  return t;
}

Template Template::MustCompile(std::string_view text) {
  Result<Template> t = Compile(text);
  if (!t.ok()) {
    internal::CheckFailed(__FILE__, __LINE__, t.status().message().c_str());
  }
  return std::move(t).value();
}

bool Template::Uses(Var v) const {
  for (const Piece& p : pieces_) {
    if (p.is_var && p.var == v) return true;
  }
  return false;
}

}  // namespace cairn::gen
