#include "sql/functions/regex.h"

#include <algorithm>
#include <memory>

#include "sql/functions/kernel_util.h"

namespace cairn::sql {
namespace {

constexpr size_t kMaxProgram = 20000;
constexpr int kMaxNesting = 200;

Status Bad(const std::string& why) {
  return Status::InvalidArgument("Invalid regular expression: " + why);
}

uint32_t FoldCase(uint32_t c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool IsWord(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The pattern as a tree, before compilation.
struct Node {
  enum class Kind : uint8_t {
    kEmpty,
    kChar,
    kAny,
    kClass,
    kConcat,
    kAlt,
    kRepeat,
    kGroup,
    kAssert
  };
  Kind kind = Kind::kEmpty;
  uint32_t cp = 0;
  bool fold = false;     // kChar: case-insensitive
  bool dotall = false;   // kAny
  int cls = -1;          // kClass
  int group = -1;        // kGroup: capture index (>= 1), or -1 for non-capturing
  int min = 0, max = 0;  // kRepeat: max -1 = unbounded
  bool lazy = false;
  int assert_op = 0;  // kAssert: a Regex::Op value
  std::vector<std::unique_ptr<Node>> kids;
};
using NodePtr = std::unique_ptr<Node>;

}  // namespace

bool Regex::Class::Contains(uint32_t cp) const {
  bool in = false;
  for (const auto& [lo, hi] : ranges) {
    if (cp >= lo && cp <= hi) {
      in = true;
      break;
    }
  }
  return in != negated;
}

class RegexCompiler {
 public:
  explicit RegexCompiler(std::string_view p) : p_(p) {}

  Result<Regex> Run() {
    ASSIGN_OR_RETURN(NodePtr root, ParseAlt(0));
    if (i_ < p_.size()) return Bad(p_[i_] == ')' ? "unmatched ')'" : "unexpected character");
    re_.groups_ = groups_;
    // Program: save 0, body, save 1, match.
    Emit({Regex::Op::kSave, 0, 0});
    RETURN_IF_ERROR(Gen(*root, 0));
    Emit({Regex::Op::kSave, 1, 0});
    Emit({Regex::Op::kMatch, 0, 0});
    if (re_.prog_.size() > kMaxProgram) return Bad("pattern is too complex");
    return std::move(re_);
  }

 private:
  using Op = Regex::Op;
  struct Flags {
    bool fold = false, dotall = false, multiline = false;
  };

  bool More() const { return i_ < p_.size(); }
  char Peek() const { return p_[i_]; }
  uint32_t NextCp() { return kernel::DecodeUtf8(p_, &i_); }

  Result<NodePtr> ParseAlt(int depth) {
    if (depth > kMaxNesting) return Bad("nesting is too deep");
    Flags saved = flags_;
    ASSIGN_OR_RETURN(NodePtr left, ParseConcat(depth));
    if (!More() || Peek() != '|') return left;
    auto alt = std::make_unique<Node>();
    alt->kind = Node::Kind::kAlt;
    alt->kids.push_back(std::move(left));
    while (More() && Peek() == '|') {
      ++i_;
      flags_ = saved;
      ASSIGN_OR_RETURN(NodePtr next, ParseConcat(depth));
      alt->kids.push_back(std::move(next));
    }
    return alt;
  }

  Result<NodePtr> ParseConcat(int depth) {
    auto cat = std::make_unique<Node>();
    cat->kind = Node::Kind::kConcat;
    while (More() && Peek() != '|' && Peek() != ')') {
      ASSIGN_OR_RETURN(NodePtr atom, ParseAtom(depth));
      if (!atom) continue;  // a flag group
      ASSIGN_OR_RETURN(atom, ParseQuantifiers(std::move(atom)));
      cat->kids.push_back(std::move(atom));
    }
    return cat;
  }

  Result<NodePtr> ParseQuantifiers(NodePtr atom) {
    while (More()) {
      char c = Peek();
      int min, max;
      if (c == '*') {
        min = 0, max = -1;
        ++i_;
      } else if (c == '+') {
        min = 1, max = -1;
        ++i_;
      } else if (c == '?') {
        min = 0, max = 1;
        ++i_;
      } else if (c == '{') {
        size_t save = i_;
        ++i_;
        auto number = [&](int* out) {
          size_t start = i_;
          int64_t v = 0;
          while (More() && Peek() >= '0' && Peek() <= '9') {
            v = v * 10 + (Peek() - '0');
            if (v > 100000) return false;
            ++i_;
          }
          *out = static_cast<int>(v);
          return i_ > start;
        };
        if (!number(&min)) {
          i_ = save;  // a literal '{'
          return atom;
        }
        max = min;
        if (More() && Peek() == ',') {
          ++i_;
          if (!number(&max)) max = -1;
        }
        if (!More() || Peek() != '}') return Bad("malformed repetition {n,m}");
        ++i_;
        if (max >= 0 && max < min) return Bad("repetition {n,m} with m < n");
        if (min > 1000 || max > 1000) return Bad("repetition count is too large (limit 1000)");
      } else {
        return atom;
      }
      if (atom->kind == Node::Kind::kAssert) return Bad("nothing to repeat");
      auto rep = std::make_unique<Node>();
      rep->kind = Node::Kind::kRepeat;
      rep->min = min;
      rep->max = max;
      if (More() && Peek() == '?') {
        rep->lazy = true;
        ++i_;
      } else if (More() && Peek() == '+') {
        return Bad("possessive quantifiers are not supported");
      }
      rep->kids.push_back(std::move(atom));
      atom = std::move(rep);
    }
    return atom;
  }

  NodePtr Char(uint32_t cp) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kChar;
    n->fold = flags_.fold;
    n->cp = flags_.fold ? FoldCase(cp) : cp;
    return n;
  }

  NodePtr ClassNode(Regex::Class cls) {
    if (flags_.fold) {
      std::vector<std::pair<uint32_t, uint32_t>> extra;
      for (const auto& [lo, hi] : cls.ranges) {
        uint32_t a = std::max<uint32_t>(lo, 'a'), b = std::min<uint32_t>(hi, 'z');
        if (a <= b) extra.emplace_back(a - 'a' + 'A', b - 'a' + 'A');
        a = std::max<uint32_t>(lo, 'A'), b = std::min<uint32_t>(hi, 'Z');
        if (a <= b) extra.emplace_back(a - 'A' + 'a', b - 'A' + 'a');
      }
      cls.ranges.insert(cls.ranges.end(), extra.begin(), extra.end());
    }
    re_.classes_.push_back(std::move(cls));
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kClass;
    n->cls = static_cast<int>(re_.classes_.size() - 1);
    return n;
  }

  NodePtr Assert(Op op) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kAssert;
    n->assert_op = static_cast<int>(op);
    return n;
  }

  static void AddPerl(char c, Regex::Class* cls) {
    switch (c) {
      case 'd':
        cls->ranges.emplace_back('0', '9');
        break;
      case 'w':
        cls->ranges.emplace_back('a', 'z');
        cls->ranges.emplace_back('A', 'Z');
        cls->ranges.emplace_back('0', '9');
        cls->ranges.emplace_back('_', '_');
        break;
      case 's':
        cls->ranges.emplace_back(' ', ' ');
        cls->ranges.emplace_back('\t', '\r');  // \t \n \v \f \r
        break;
    }
  }

  // Reads an escape after '\' that denotes one code point. Returns false if it is not one.
  Result<bool> EscapedCp(uint32_t* cp) {
    if (!More()) return Bad("trailing backslash");
    char c = Peek();
    auto hex = [&](int digits) -> Result<uint32_t> {
      uint32_t v = 0;
      for (int k = 0; k < digits; ++k) {
        if (!More()) return Bad("incomplete hex escape");
        char h = Peek();
        int d = (h >= '0' && h <= '9')   ? h - '0'
                : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                         : -1;
        if (d < 0) return Bad("invalid hex escape");
        v = v * 16 + static_cast<uint32_t>(d);
        ++i_;
      }
      return v;
    };
    switch (c) {
      case 't':
        ++i_;
        *cp = '\t';
        return true;
      case 'n':
        ++i_;
        *cp = '\n';
        return true;
      case 'r':
        ++i_;
        *cp = '\r';
        return true;
      case 'f':
        ++i_;
        *cp = '\f';
        return true;
      case 'e':
        ++i_;
        *cp = 0x1B;
        return true;
      case 'a':
        ++i_;
        *cp = 0x07;
        return true;
      case '0':
        ++i_;
        *cp = 0;
        return true;
      case 'x': {
        ++i_;
        ASSIGN_OR_RETURN(*cp, hex(2));
        return true;
      }
      case 'u': {
        ++i_;
        ASSIGN_OR_RETURN(*cp, hex(4));
        return true;
      }
      default:
        break;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
    *cp = NextCp();
    return true;
  }

  Result<NodePtr> ParseAtom(int depth) {
    uint32_t c = static_cast<unsigned char>(Peek());
    switch (c) {
      case '(':
        return ParseGroup(depth);
      case '[':
        return ParseClass();
      case '.': {
        ++i_;
        auto n = std::make_unique<Node>();
        n->kind = Node::Kind::kAny;
        n->dotall = flags_.dotall;
        return n;
      }
      case '^':
        ++i_;
        return Assert(flags_.multiline ? Op::kBol : Op::kBegin);
      case '$':
        ++i_;
        return Assert(flags_.multiline ? Op::kEol : Op::kEndOrFinalNl);
      case '*':
      case '+':
      case '?':
        return Bad("nothing to repeat");
      case '\\': {
        ++i_;
        if (!More()) return Bad("trailing backslash");
        char e = Peek();
        switch (e) {
          case 'd':
          case 'w':
          case 's':
          case 'D':
          case 'W':
          case 'S': {
            ++i_;
            Regex::Class cls;
            AddPerl(static_cast<char>(e | 0x20), &cls);
            cls.negated = e >= 'A' && e <= 'Z';
            return ClassNode(std::move(cls));
          }
          case 'b':
            ++i_;
            return Assert(Op::kWordB);
          case 'B':
            ++i_;
            return Assert(Op::kNotWordB);
          case 'A':
            ++i_;
            return Assert(Op::kBegin);
          case 'z':
            ++i_;
            return Assert(Op::kEnd);
          case 'Z':
            ++i_;
            return Assert(Op::kEndOrFinalNl);
          case 'p':
          case 'P':
            return Bad("\\p{...} classes are not supported");
          case 'Q':
            return Bad("\\Q...\\E quoting is not supported");
          default:
            break;
        }
        if (e >= '1' && e <= '9') return Bad("backreferences are not supported");
        uint32_t cp;
        ASSIGN_OR_RETURN(bool ok, EscapedCp(&cp));
        if (!ok) return Bad(std::string("unknown escape \\") + e);
        return Char(cp);
      }
      default:
        return Char(NextCp());
    }
  }

  Result<NodePtr> ParseGroup(int depth) {
    ++i_;  // (
    int group = -1;
    Flags saved = flags_;
    if (More() && Peek() == '?') {
      ++i_;
      if (!More()) return Bad("incomplete group");
      char k = Peek();
      if (k == ':') {
        ++i_;
      } else if (k == '=' || k == '!') {
        return Bad("lookahead is not supported");
      } else if (k == '<' && i_ + 1 < p_.size() && (p_[i_ + 1] == '=' || p_[i_ + 1] == '!')) {
        return Bad("lookbehind is not supported");
      } else if (k == '<' || k == 'P') {
        if (k == 'P') ++i_;
        if (!More() || Peek() != '<') return Bad("malformed named group");
        ++i_;
        size_t start = i_;
        while (More() && Peek() != '>') ++i_;
        if (!More() || i_ == start) return Bad("malformed named group");
        std::string name(p_.substr(start, i_ - start));
        ++i_;
        group = ++groups_;
        re_.names_.emplace_back(std::move(name), group);
      } else {
        // Flags: (?i) (?-i) (?is:...)
        bool on = true;
        Flags f = flags_;
        while (More() && Peek() != ')' && Peek() != ':') {
          char fl = Peek();
          ++i_;
          if (fl == '-') {
            on = false;
          } else if (fl == 'i') {
            f.fold = on;
          } else if (fl == 's') {
            f.dotall = on;
          } else if (fl == 'm') {
            f.multiline = on;
          } else if (fl == 'x' || fl == 'u' || fl == 'U' || fl == 'd') {
            // accepted and ignored
          } else {
            return Bad(std::string("unknown flag '") + fl + "'");
          }
        }
        if (!More()) return Bad("incomplete group");
        if (Peek() == ')') {
          ++i_;
          flags_ = f;  // applies to the rest of the enclosing group
          return NodePtr();
        }
        ++i_;  // ':'
        flags_ = f;
      }
    } else {
      group = ++groups_;
    }
    ASSIGN_OR_RETURN(NodePtr body, ParseAlt(depth + 1));
    flags_ = saved;
    if (!More() || Peek() != ')') return Bad("missing ')'");
    ++i_;
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kGroup;
    n->group = group;
    n->kids.push_back(std::move(body));
    return n;
  }

  Result<NodePtr> ParseClass() {
    ++i_;  // [
    Regex::Class cls;
    if (More() && Peek() == '^') {
      cls.negated = true;
      ++i_;
    }
    bool first = true;
    while (true) {
      if (!More()) return Bad("missing ']'");
      if (Peek() == ']' && !first) {
        ++i_;
        break;
      }
      if (Peek() == '[') {
        if (p_.substr(i_, 2) == "[:") return Bad("POSIX classes are not supported");
        return Bad("nested classes are not supported");
      }
      if (p_.substr(i_, 2) == "&&") return Bad("class intersection is not supported");
      first = false;
      uint32_t lo;
      if (Peek() == '\\') {
        ++i_;
        if (!More()) return Bad("trailing backslash");
        char e = Peek();
        if (e == 'd' || e == 'w' || e == 's') {
          ++i_;
          AddPerl(e, &cls);
          continue;
        }
        if (e == 'D' || e == 'W' || e == 'S')
          return Bad("negated classes inside [] are not supported");
        ASSIGN_OR_RETURN(bool ok, EscapedCp(&lo));
        if (!ok) return Bad(std::string("unknown escape \\") + e);
      } else {
        lo = NextCp();
      }
      uint32_t hi = lo;
      if (i_ + 1 < p_.size() && Peek() == '-' && p_[i_ + 1] != ']') {
        ++i_;
        if (Peek() == '\\') {
          ++i_;
          ASSIGN_OR_RETURN(bool ok, EscapedCp(&hi));
          if (!ok) return Bad("invalid range end");
        } else {
          hi = NextCp();
        }
        if (hi < lo) return Bad("illegal character range");
      }
      cls.ranges.emplace_back(lo, hi);
    }
    return ClassNode(std::move(cls));
  }

  void Emit(Regex::Inst inst) { re_.prog_.push_back(inst); }
  uint32_t Pc() const { return static_cast<uint32_t>(re_.prog_.size()); }

  Status Gen(const Node& n, int depth) {
    if (re_.prog_.size() > kMaxProgram) return Bad("pattern is too complex");
    if (depth > kMaxNesting * 4) return Bad("nesting is too deep");
    switch (n.kind) {
      case Node::Kind::kEmpty:
        return Status::OK();
      case Node::Kind::kChar:
        Emit({Op::kChar, n.cp, n.fold ? 1u : 0u});
        return Status::OK();
      case Node::Kind::kAny:
        Emit({n.dotall ? Op::kAnyNl : Op::kAny, 0, 0});
        return Status::OK();
      case Node::Kind::kClass:
        Emit({Op::kClass, static_cast<uint32_t>(n.cls), 0});
        return Status::OK();
      case Node::Kind::kAssert:
        Emit({static_cast<Op>(n.assert_op), 0, 0});
        return Status::OK();
      case Node::Kind::kConcat:
        for (const auto& k : n.kids) RETURN_IF_ERROR(Gen(*k, depth + 1));
        return Status::OK();
      case Node::Kind::kGroup:
        if (n.group >= 0) Emit({Op::kSave, static_cast<uint32_t>(2 * n.group), 0});
        RETURN_IF_ERROR(Gen(*n.kids[0], depth + 1));
        if (n.group >= 0) Emit({Op::kSave, static_cast<uint32_t>(2 * n.group + 1), 0});
        return Status::OK();
      case Node::Kind::kAlt: {
        // split L1, next; L1: a; jmp end; next: split L2, ... ; last
        std::vector<uint32_t> jumps;
        for (size_t k = 0; k < n.kids.size(); ++k) {
          if (k + 1 < n.kids.size()) {
            uint32_t split = Pc();
            Emit({Op::kSplit, split + 1, 0});
            RETURN_IF_ERROR(Gen(*n.kids[k], depth + 1));
            jumps.push_back(Pc());
            Emit({Op::kJmp, 0, 0});
            re_.prog_[split].y = Pc();
          } else {
            RETURN_IF_ERROR(Gen(*n.kids[k], depth + 1));
          }
        }
        for (uint32_t j : jumps) re_.prog_[j].x = Pc();
        return Status::OK();
      }
      case Node::Kind::kRepeat: {
        const Node& body = *n.kids[0];
        for (int k = 0; k < n.min; ++k) RETURN_IF_ERROR(Gen(body, depth + 1));
        if (n.max < 0) {
          // L: split body, end (greedy) ; body ; jmp L
          uint32_t split = Pc();
          Emit({Op::kSplit, 0, 0});
          uint32_t body_pc = Pc();
          RETURN_IF_ERROR(Gen(body, depth + 1));
          Emit({Op::kJmp, split, 0});
          uint32_t end = Pc();
          re_.prog_[split].x = n.lazy ? end : body_pc;
          re_.prog_[split].y = n.lazy ? body_pc : end;
          return Status::OK();
        }
        // Optional copies: split body, end; body; split body, end; body ...
        std::vector<uint32_t> splits;
        for (int k = n.min; k < n.max; ++k) {
          splits.push_back(Pc());
          Emit({Op::kSplit, 0, 0});
          uint32_t body_pc = Pc();
          RETURN_IF_ERROR(Gen(body, depth + 1));
          re_.prog_[splits.back()].x = body_pc;  // patched below for laziness
        }
        uint32_t end = Pc();
        for (uint32_t s : splits) {
          uint32_t body_pc = re_.prog_[s].x;
          re_.prog_[s].x = n.lazy ? end : body_pc;
          re_.prog_[s].y = n.lazy ? body_pc : end;
        }
        return Status::OK();
      }
    }
    return Status::OK();
  }

  std::string_view p_;
  size_t i_ = 0;
  int groups_ = 0;
  Flags flags_;
  Regex re_;
};

Result<Regex> Regex::Compile(std::string_view pattern) {
  if (pattern.size() > 10000) return Bad("pattern is too long");
  RegexCompiler c(pattern);
  return c.Run();
}

int Regex::GroupIndex(std::string_view name) const {
  for (const auto& [n, g] : names_) {
    if (n == name) return g;
  }
  return -1;
}

namespace {

struct Thread {
  uint32_t pc;
  std::vector<int64_t> caps;
};

}  // namespace

bool Regex::Search(std::string_view text, size_t start, std::vector<int64_t>* groups) const {
  const size_t nslots = 2 * static_cast<size_t>(groups_ + 1);
  const size_t nprog = prog_.size();
  std::vector<Thread> clist, nlist;
  clist.reserve(nprog);
  nlist.reserve(nprog);
  std::vector<uint64_t> on_list(nprog, 0);
  uint64_t generation = 0;
  bool matched = false;
  std::vector<int64_t> best;

  // Follows empty transitions from `pc` at byte position `pos`, adding runnable threads to `list`
  // in priority order. An explicit stack keeps C++ recursion out of it.
  struct Frame {
    uint32_t pc;
    std::vector<int64_t> caps;
  };
  std::vector<Frame> stack;
  auto add = [&](std::vector<Thread>& list, uint32_t pc0, size_t pos, std::vector<int64_t> caps0) {
    stack.push_back({pc0, std::move(caps0)});
    while (!stack.empty()) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      uint32_t pc = f.pc;
      while (true) {
        if (on_list[pc] == generation) break;
        on_list[pc] = generation;
        const Inst& inst = prog_[pc];
        bool follow = true;
        switch (inst.op) {
          case Op::kJmp:
            pc = inst.x;
            continue;
          case Op::kSplit:
            stack.push_back({inst.y, f.caps});
            pc = inst.x;
            continue;
          case Op::kSave:
            if (inst.x < f.caps.size()) f.caps[inst.x] = static_cast<int64_t>(pos);
            ++pc;
            continue;
          case Op::kBegin:
            follow = pos == 0;
            break;
          case Op::kEnd:
            follow = pos == text.size();
            break;
          case Op::kEndOrFinalNl:
            follow = pos == text.size() || (pos + 1 == text.size() && text[pos] == '\n');
            break;
          case Op::kBol:
            follow = pos == 0 || text[pos - 1] == '\n';
            break;
          case Op::kEol:
            follow = pos == text.size() || text[pos] == '\n';
            break;
          case Op::kWordB:
          case Op::kNotWordB: {
            bool before = pos > 0 && IsWord(static_cast<unsigned char>(text[pos - 1]));
            bool after = pos < text.size() && IsWord(static_cast<unsigned char>(text[pos]));
            follow = (before != after) == (inst.op == Op::kWordB);
            break;
          }
          default:
            list.push_back({pc, std::move(f.caps)});
            follow = false;
            break;
        }
        if (!follow) break;
        ++pc;
      }
    }
  };

  size_t pos = start;
  if (pos > text.size()) return false;
  generation = 1;  // the generation clist was built in; the start thread joins it
  while (true) {
    if (!matched) {
      std::vector<int64_t> caps(nslots, -1);
      add(clist, 0, pos, std::move(caps));
    }
    if (clist.empty()) break;
    // Decode the code point at pos once.
    uint32_t cp = 0;
    size_t next = pos;
    bool has_char = pos < text.size();
    if (has_char) cp = kernel::DecodeUtf8(text, &next);
    ++generation;
    nlist.clear();
    for (size_t t = 0; t < clist.size(); ++t) {
      Thread& th = clist[t];
      const Inst& inst = prog_[th.pc];
      bool step = false;
      switch (inst.op) {
        case Op::kChar:
          step = has_char && (inst.y ? FoldCase(cp) == inst.x : cp == inst.x);
          break;
        case Op::kAny:
          step = has_char && cp != '\n' && cp != '\r';
          break;
        case Op::kAnyNl:
          step = has_char;
          break;
        case Op::kClass:
          step = has_char && classes_[inst.x].Contains(cp);
          break;
        case Op::kMatch:
          matched = true;
          best = std::move(th.caps);
          t = clist.size();  // lower-priority threads lose
          continue;
        default:
          break;
      }
      if (step) add(nlist, th.pc + 1, next, std::move(th.caps));
    }
    std::swap(clist, nlist);
    if (!has_char) break;
    pos = next;
    if (matched && clist.empty()) break;
  }
  if (!matched) return false;
  if (groups) *groups = std::move(best);
  return true;
}

}  // namespace cairn::sql
