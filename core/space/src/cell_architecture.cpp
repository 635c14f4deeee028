#include <fmt/format.h>

#include <string>

#include "spbench/space/cell_architecture.hpp"

namespace spbench {

std::string CellArch::to_string() const {
  std::string out = "|";
  for (int to = 1; to < kNumNodes; ++to) {
    if (to > 1) out += "+|";
    for (int from = 0; from < to; ++from) {
      const int e = to * (to - 1) / 2 + from;  // edges are grouped by target node
      out += op_name(ops[e]);
      out += '~';
      out += static_cast<char>('0' + from);
      out += '|';
    }
  }
  return out;
}

namespace {

std::string op_list() {
  std::string names;
  for (Op op : kAllOps) {
    if (!names.empty()) names += ", ";
    names += op_name(op);
  }
  return names;
}

// Shows a short excerpt of what was found instead of what was expected.
std::string excerpt(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "";
  std::string_view rest = text.substr(pos, 24);
  return std::string(rest) + (pos + rest.size() < text.size() ? "…" : "");
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  CellArch parse() {
    if (text_.empty()) throw ArchParseError("empty architecture string (offset 0)", 0, "");
    CellArch arch;
    expect('|', "an architecture string starts with '|'");
    for (int to = 1; to < kNumNodes; ++to) {
      if (to > 1) {
        expect('+', fmt::format("expected '+' and the edges into node {}", to));
        expect('|', fmt::format("expected '|' before the edges into node {}", to));
      }
      for (int from = 0; from < to; ++from) {
        if (at_end() || peek() == '+') {
          const std::size_t pos = pos_;
          throw ArchParseError(
              fmt::format("node {} has {} incoming edge{} at offset {}; expected {} (from nodes 0…{})",
                          to, from, from == 1 ? "" : "s", pos, to, to - 1),
              pos, at_end() ? "" : std::string(1, peek()));
        }
        arch.ops[to * (to - 1) / 2 + from] = parse_edge(from, to);
        expect('|', "expected '|' after an edge");
      }
      // More edges than the node has inputs: the group should end here (after
      // the last node anything left is trailing text, reported below).
      if (to < kNumNodes - 1 && !at_end() && peek() != '+') {
        const std::size_t start = pos_;
        const std::string token = edge_token();
        throw ArchParseError(fmt::format("too many edges into node {}: extra edge '{}' at offset {}; "
                                         "node {} takes exactly {}",
                                         to, token, start, to, to),
                             start, token);
      }
    }
    if (!at_end())
      throw ArchParseError(fmt::format("trailing text '{}' at offset {} after the last node",
                                       excerpt(text_, pos_), pos_),
                           pos_, std::string(text_.substr(pos_)));
    return arch;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void expect(char c, const std::string& what) {
    if (!at_end() && peek() == c) {
      ++pos_;
      return;
    }
    const std::string found = at_end() ? std::string("end of string") : fmt::format("'{}'", excerpt(text_, pos_));
    throw ArchParseError(fmt::format("{} at offset {}, found {}", what, pos_, found), pos_,
                         at_end() ? "" : std::string(1, peek()));
  }

  // The text up to the next '|' or end (one "op~node" edge).
  std::string edge_token() {
    const std::size_t end = std::min(text_.find('|', pos_), text_.size());
    std::string token(text_.substr(pos_, end - pos_));
    return token;
  }

  Op parse_edge(int from, int to) {
    const std::size_t start = pos_;
    const std::string token = edge_token();
    const std::size_t tilde = token.find('~');
    if (tilde == std::string::npos)
      throw ArchParseError(fmt::format("malformed edge '{}' at offset {}; expected <operation>~<input node>",
                                       token, start),
                           start, token);
    const std::string name = token.substr(0, tilde);
    const auto op = op_from_name(name);
    if (!op)
      throw ArchParseError(fmt::format("unknown operation '{}' at offset {}; expected one of {}", name,
                                       start, op_list()),
                           start, name);
    const std::size_t node_pos = start + tilde;
    const std::string node = token.substr(tilde);  // "~k"
    if (node != fmt::format("~{}", from))
      throw ArchParseError(fmt::format("wrong input node {} for edge {}->{} at offset {}, expected ~{}", node,
                                       from, to, node_pos, from),
                           node_pos, node);
    pos_ += token.size();
    return *op;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

CellArch CellArch::parse(std::string_view text) { return Parser(text).parse(); }

int CellArch::code() const {
  int code = 0;
  for (Op op : ops) code = code * kNumOps + static_cast<int>(op);
  return code;
}

CellArch CellArch::from_code(int code) {
  if (code < 0 || code >= kNumArchitectures)
    throw std::out_of_range(fmt::format("architecture code {} outside 0…{}", code, kNumArchitectures - 1));
  CellArch arch;
  for (int e = kNumEdges - 1; e >= 0; --e) {
    arch.ops[e] = static_cast<Op>(code % kNumOps);
    code /= kNumOps;
  }
  return arch;
}

}  // namespace spbench
