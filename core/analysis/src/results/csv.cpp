#include "spbench/analysis/results/csv.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

namespace spbench::tables {

namespace {

class Parser {
 public:
  Parser(std::string_view text, const std::string& source) : text_(text), source_(source) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  // Reads one record; false at the end of the text. Blank lines are skipped.
  bool next(std::vector<std::string>& fields, std::size_t& start_line) {
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) consume_line_end();
    if (pos_ >= text_.size()) return false;
    start_line = line_;
    fields.clear();
    for (;;) {
      fields.push_back(field());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      consume_line_end();  // field() stops only at ',', a line end or the end
      return true;
    }
  }

 private:
  void consume_line_end() {
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
  }

  std::string field() {
    std::string value;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const std::size_t open_line = line_;
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size())
          throw TableError(source_, open_line, "unterminated quoted field (the closing \" is missing)");
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            value += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        value += c;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r')
        throw TableError(source_, line_,
                         fmt::format("unexpected '{}' after a closing quote (expected ',' or the end of the line; "
                                     "a quote inside a quoted field is written \"\")",
                                     text_[pos_]));
      return value;
    }
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || c == '\r') break;
      if (c == '"')
        throw TableError(source_, line_, "unexpected '\"' inside an unquoted field (quote the whole field and "
                                         "write the quote as \"\")");
      value += c;
      ++pos_;
    }
    return value;
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& source) {
  CsvTable table;
  table.source = source;
  Parser parser(text, source);
  std::size_t line = 0;
  if (!parser.next(table.header, line)) throw TableError(source, 0, "empty file (expected a header row)");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c].empty())
      throw TableError(source, line, fmt::format("column {} has an empty name in the header row", c + 1));
    auto [it, fresh] = seen.emplace(table.header[c], c);
    if (!fresh)
      throw TableError(source, line, fmt::format("column name \"{}\" appears twice in the header row (columns {} and {})",
                                                 table.header[c], it->second + 1, c + 1));
  }
  std::vector<std::string> fields;
  while (parser.next(fields, line)) {
    if (fields.size() != table.header.size())
      throw TableError(source, line, fmt::format("expected {} fields (as in the header row), found {}",
                                                 table.header.size(), fields.size()));
    table.rows.push_back(fields);
    table.lines.push_back(line);
  }
  return table;
}

CsvTable read_csv(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TableError(file.string(), 0, "cannot open the file for reading");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw TableError(file.string(), 0, "read error");
  return parse_csv(content.str(), file.string());
}

std::string csv_field(std::string_view value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace spbench::tables
