#include "sql/functions/like.h"

#include "sql/functions/kernel_util.h"

namespace cairn::sql {

Result<LikePattern> LikePattern::Compile(std::string_view pattern, bool has_escape,
                                         std::string_view escape) {
  if (has_escape && kernel::Utf8Length(escape) != 1) {
    return Status::InvalidArgument("Escape string must be a single character");
  }
  LikePattern p;
  bool seen_wildcard = false;
  for (size_t i = 0; i < pattern.size();) {
    size_t start = i;
    kernel::DecodeUtf8(pattern, &i);
    std::string_view c = pattern.substr(start, i - start);
    Token::Kind kind = Token::Kind::kLiteral;
    std::string_view text = c;
    if (has_escape && c == escape) {
      if (i >= pattern.size()) {
        return Status::InvalidArgument(
            "Escape character must be followed by '%', '_' or the escape character itself");
      }
      size_t nstart = i;
      kernel::DecodeUtf8(pattern, &i);
      text = pattern.substr(nstart, i - nstart);
      if (text != "%" && text != "_" && text != escape) {
        return Status::InvalidArgument(
            "Escape character must be followed by '%', '_' or the escape character itself");
      }
    } else if (c == "%") {
      kind = Token::Kind::kAny;
    } else if (c == "_") {
      kind = Token::Kind::kOne;
    }
    if (kind != Token::Kind::kLiteral) seen_wildcard = true;
    if (kind == Token::Kind::kLiteral && !seen_wildcard) p.prefix_.append(text);
    if (kind == Token::Kind::kLiteral && !p.tokens_.empty() &&
        p.tokens_.back().kind == Token::Kind::kLiteral) {
      p.tokens_.back().text.append(text);
    } else if (kind == Token::Kind::kAny && !p.tokens_.empty() &&
               p.tokens_.back().kind == Token::Kind::kAny) {
      // %% is %
    } else {
      p.tokens_.push_back(
          {kind, std::string(kind == Token::Kind::kLiteral ? text : std::string_view())});
    }
  }
  using K = Token::Kind;
  const auto& t = p.tokens_;
  if (t.empty()) {
    p.shape_ = Shape::kExact;
  } else if (t.size() == 1 && t[0].kind == K::kLiteral) {
    p.shape_ = Shape::kExact;
    p.literal_ = t[0].text;
  } else if (t.size() == 1 && t[0].kind == K::kAny) {
    p.shape_ = Shape::kContains;  // matches everything
  } else if (t.size() == 2 && t[0].kind == K::kLiteral && t[1].kind == K::kAny) {
    p.shape_ = Shape::kPrefix;
    p.literal_ = t[0].text;
  } else if (t.size() == 2 && t[0].kind == K::kAny && t[1].kind == K::kLiteral) {
    p.shape_ = Shape::kSuffix;
    p.literal_ = t[1].text;
  } else if (t.size() == 3 && t[0].kind == K::kAny && t[1].kind == K::kLiteral &&
             t[2].kind == K::kAny) {
    p.shape_ = Shape::kContains;
    p.literal_ = t[1].text;
  }
  return p;
}

bool LikePattern::Match(std::string_view s) const {
  switch (shape_) {
    case Shape::kExact:
      return s == literal_;
    case Shape::kPrefix:
      return s.substr(0, literal_.size()) == literal_;
    case Shape::kSuffix:
      return s.size() >= literal_.size() && s.substr(s.size() - literal_.size()) == literal_;
    case Shape::kContains:
      return literal_.empty() || s.find(literal_) != std::string_view::npos;
    case Shape::kGeneral:
      break;
  }
  // Glob matching with one backtrack point (the last '%'), advancing one code point at a time.
  size_t si = 0, ti = 0;
  size_t star_ti = std::string::npos, star_si = 0;
  const size_t n = tokens_.size();
  while (si < s.size()) {
    if (ti < n) {
      const Token& t = tokens_[ti];
      if (t.kind == Token::Kind::kLiteral && s.substr(si, t.text.size()) == t.text) {
        si += t.text.size();
        ++ti;
        continue;
      }
      if (t.kind == Token::Kind::kOne) {
        kernel::DecodeUtf8(s, &si);
        ++ti;
        continue;
      }
      if (t.kind == Token::Kind::kAny) {
        star_ti = ti++;
        star_si = si;
        continue;
      }
    }
    if (star_ti == std::string::npos) return false;
    ti = star_ti + 1;
    kernel::DecodeUtf8(s, &star_si);
    si = star_si;
  }
  while (ti < n && tokens_[ti].kind == Token::Kind::kAny) ++ti;
  return ti == n;
}

}  // namespace cairn::sql
