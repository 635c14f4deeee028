#include "spbench/tables/ablation.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace spbench::tables {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A number at `key`: either the number itself or an estimate's "value"
// (RankingReport's kendall_tau is {"value", "ci_low", …}). Null is absent.
bool number_at(const json& obj, const std::string& key, double& out) {
  if (!obj.is_object() || !obj.contains(key)) return false;
  const json& v = obj.at(key);
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (v.is_object() && v.contains("value") && v.at("value").is_number()) {
    out = v.at("value").get<double>();
    return true;
  }
  return false;
}

// The ranking metrics of one report (RankingReport JSON) by column key.
void read_report(const json& report, const AblationOptions& options, std::map<std::string, double>& values,
                 std::vector<std::pair<double, double>>* curve) {
  double v = 0;
  if (number_at(report, "kendall_tau", v)) values["kendall_tau"] = v;
  if (number_at(report, "spearman_rho", v)) values["spearman_rho"] = v;
  if (number_at(report, "pearson_r", v)) values["pearson_r"] = v;
  if (report.contains("top_n_kendall") && report.at("top_n_kendall").is_array()) {
    for (const auto& point : report.at("top_n_kendall")) {
      if (!point.is_object()) continue;
      double tau = 0;
      const bool has_tau = number_at(point, "kendall_tau", tau);
      double architectures = 0;
      if (!number_at(point, "architectures", architectures) && point.contains("n") && point.at("n").is_number())
        architectures = point.at("n").get<double>();
      if (curve && has_tau && architectures > 0) curve->emplace_back(architectures, tau);
      if (point.contains("n") && point.at("n").is_number() && point.at("n").get<double>() == static_cast<double>(options.top_n) &&
          has_tau)
        values["top_n_tau"] = tau;
    }
  }
  if (report.contains("precision_at_k") && report.at("precision_at_k").is_array()) {
    for (const auto& point : report.at("precision_at_k")) {
      if (!point.is_object() || !point.contains("k")) continue;
      const json& k = point.at("k");
      const std::string label = k.is_string() ? k.get<std::string>() : k.dump();
      if (label == options.precision_k && number_at(point, "precision", v)) values["precision_at_k"] = v;
    }
  }
  if (report.contains("best_predicted") && number_at(report.at("best_predicted"), "truth", v)) values["best_truth"] = v;
}

void read_metrics(const fs::path& file, const AblationOptions& options, CellResult& cell) {
  if (!fs::exists(file)) return;
  json doc;
  try {
    doc = json::parse(read_text(file));
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
  // The report sits under "metrics" in a run's metrics.json; a bare
  // RankingReport (metrics::to_json) works as well.
  const json& report = doc.contains("metrics") && doc.at("metrics").is_object() ? doc.at("metrics") : doc;
  read_report(report, options, cell.values, &cell.top_n_curve);
  if (doc.contains("reference_rows") && doc.at("reference_rows").is_array()) {
    for (const auto& row : doc.at("reference_rows")) {
      if (!row.is_object() || !row.contains("name")) continue;
      std::map<std::string, double> values;
      if (row.contains("metrics")) read_report(row.at("metrics"), options, values, nullptr);
      cell.references.emplace_back(row.at("name").get<std::string>(), std::move(values));
    }
  }
}

void read_train_log(const fs::path& file, CellResult& cell) {
  std::ifstream in(file);
  if (!in) return;
  double seconds = 0;
  bool any_seconds = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception&) {
      continue;  // a torn last line of a killed run
    }
    double v = 0;
    if (number_at(j, "seconds", v)) {
      seconds += v;
      any_seconds = true;
    }
    if (number_at(j, "loss", v)) cell.values["final_loss"] = v;
  }
  if (any_seconds) cell.values["train_seconds"] = seconds;
}

bool is_finished(const fs::path& dir) {
  try {
    if (!fs::exists(dir / "status.json")) return false;
    return json::parse(read_text(dir / "status.json")).value("state", "") == "finished";
  } catch (const json::exception&) {
    return false;
  }
}

void read_cell(CellResult& cell, const AblationOptions& options) {
  cell.finished = is_finished(cell.dir);
  if (!cell.finished) return;
  read_metrics(cell.dir / "metrics.json", options, cell);
  read_train_log(cell.dir / "train-log.jsonl", cell);
}

Stat stat_of(const std::vector<double>& values) {
  Stat s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) {
    s.stdev = kNaN;
    return s;
  }
  double ss = 0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.stdev = std::sqrt(ss / (s.n - 1));
  return s;
}

std::vector<AblationColumn> columns_for(const AblationOptions& options) {
  std::vector<AblationColumn> c = {
      {"kendall_tau", "Kendall τ", "Kendall $\\tau$", "Kendall &tau;", true, 3, true},
      {"spearman_rho", "Spearman ρ", "Spearman $\\rho$", "Spearman &rho;", true, 3, true},
      {"pearson_r", "Pearson r", "Pearson $r$", "Pearson r", true, 3, true},
      {"top_n_tau", fmt::format("top-{} τ", options.top_n), fmt::format("top-{} $\\tau$", options.top_n),
       fmt::format("top-{} &tau;", options.top_n), true, 3, true},
      {"precision_at_k", fmt::format("P@{}", options.precision_k), fmt::format("P@{}", options.precision_k),
       fmt::format("P@{}", options.precision_k), true, 3, true},
      {"best_truth", "best arch. truth", "best arch.\\ truth", "best arch. truth", true, 2, true},
      {"final_loss", "final loss", "final loss", "final loss", false, 4, false},
  };
  if (options.timing) c.push_back({"train_seconds", "train time (s)", "train time (s)", "train time (s)", false, 1, false});
  return c;
}

// ---------------------------------------------------------------- rendering

std::string number(double v, int digits) { return fmt::format("{:.{}f}", v, digits); }

std::string signed_number(double v, int digits) {
  std::string s = fmt::format("{:+.{}f}", v, digits);
  // "-0.000" reads as a loss where there is none.
  if (std::stod(s) == 0.0) s = fmt::format("{:.{}f}", 0.0, digits);
  return s;
}

struct Pieces {
  bool na = true;
  std::string value;  // "0.512" or "0.512"
  std::string spread; // "0.020" (std), or "n/a" for one value in a group; empty: no spread shown
  std::string n;      // "3"; empty: not shown
  std::string delta;  // "+0.034"; empty: none
};

Pieces pieces(const AblationTable& t, const AblationRow& row, std::size_t c) {
  Pieces p;
  const Stat& s = row.values[c];
  if (s.n == 0) return p;
  const int digits = t.columns[c].digits;
  p.na = false;
  p.value = number(s.mean, digits);
  if (row.cells > 1) {
    p.spread = std::isnan(s.stdev) ? "n/a" : number(s.stdev, digits);
    p.n = std::to_string(s.n);
  }
  if (!std::isnan(row.delta[c])) p.delta = signed_number(row.delta[c], digits);
  return p;
}

std::string runs_text(const AblationRow& row) {
  return row.finished == row.cells ? std::to_string(row.cells) : fmt::format("{}/{}", row.finished, row.cells);
}

std::string row_label(const AblationRow& row) {
  if (row.reference) return row.label + " (reference)";
  if (row.baseline) return row.label + " (baseline)";
  return row.label;
}

std::string markdown(const AblationTable& t) {
  std::vector<std::string> header = {"cell", "runs"};
  for (const auto& c : t.columns) header.push_back(c.title);
  std::vector<std::vector<std::string>> body;
  auto add = [&](const AblationRow& row) {
    std::vector<std::string> cells = {row.reference ? "*" + row_label(row) + "*" : row_label(row), runs_text(row)};
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (row.reference && !t.columns[c].reference) {
        cells.emplace_back("");
        continue;
      }
      const Pieces p = pieces(t, row, c);
      if (p.na) {
        cells.emplace_back("n/a");
        continue;
      }
      std::string text = p.value;
      if (!p.n.empty()) text += " ± " + p.spread + " (" + p.n + ")";
      if (row.best[c]) text = "**" + text + "**";
      if (!p.delta.empty()) text += " Δ " + p.delta;
      cells.push_back(text);
    }
    body.push_back(std::move(cells));
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  auto line = [](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (const auto& c : cells) s += " " + c + " |";
    return s + "\n";
  };
  std::string out = line(header);
  out += "|:---|---:|";
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += "---:|";
  out += "\n";
  for (const auto& b : body) out += line(b);
  out += "\n";
  std::string legend = t.grouped ? "mean ± std (n) over seeds; " : "";
  legend += "**bold**: best in its column";
  if (!t.baseline.empty()) legend += fmt::format("; Δ: difference to the baseline ({})", t.baseline);
  legend += "; n/a: not available.\n";
  return out + legend;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Shortest text that reads back to the same double; empty for NaN.
std::string csv_number(double v) { return std::isnan(v) ? "" : fmt::format("{}", v); }

std::string csv(const AblationTable& t) {
  std::vector<std::string> header = {"cell", "kind", "cells", "finished"};
  for (const auto& c : t.columns) {
    for (const char* part : {"_mean", "_std", "_n"}) header.push_back(c.key + part);
    if (!t.baseline.empty()) header.push_back(c.key + "_delta");
    header.push_back(c.key + "_best");
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
  };
  line(header);
  auto add = [&](const AblationRow& row) {
    std::vector<std::string> f = {row.label, row.reference ? "reference" : row.baseline ? "baseline" : "cell",
                                  std::to_string(row.cells), std::to_string(row.finished)};
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Stat& s = row.values[c];
      const bool applicable = !(row.reference && !t.columns[c].reference);
      f.push_back(s.n > 0 ? csv_number(s.mean) : "");
      f.push_back(s.n > 1 ? csv_number(s.stdev) : "");
      f.push_back(applicable ? std::to_string(s.n) : "");
      if (!t.baseline.empty()) f.push_back(csv_number(row.delta[c]));
      f.push_back(row.best[c] ? "1" : "0");
    }
    line(f);
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  return out;
}

std::string tex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}': out += std::string("\\") + c; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      default: out += c;
    }
  }
  return out;
}

std::string tex(const AblationTable& t) {
  std::string spec = "lr";
  for (std::size_t c = 0; c < t.columns.size(); ++c) spec += "r";
  std::string out = "% spbench ablation table; needs \\usepackage{booktabs}\n";
  out += "\\begin{tabular}{" + spec + "}\n\\toprule\n";
  out += "cell & runs";
  for (const auto& c : t.columns) out += " & " + c.tex;
  out += " \\\\\n\\midrule\n";
  auto add = [&](const AblationRow& row) {
    out += (row.reference ? "\\emph{" + tex_escape(row_label(row)) + "}" : tex_escape(row_label(row))) + " & " +
           runs_text(row);
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      out += " & ";
      if (row.reference && !t.columns[c].reference) continue;
      const Pieces p = pieces(t, row, c);
      if (p.na) {
        out += "n/a";
        continue;
      }
      std::string text = p.value;
      if (!p.n.empty()) text += " $\\pm$ " + p.spread + " (" + p.n + ")";
      if (row.best[c]) text = "\\textbf{" + text + "}";
      if (!p.delta.empty()) text += " ($\\Delta$ $" + p.delta + "$)";
      out += text;
    }
    out += " \\\\\n";
  };
  for (const auto& r : t.rows) add(r);
  if (!t.references.empty()) out += "\\midrule\n";
  for (const auto& r : t.references) add(r);
  out += "\\bottomrule\n\\end{tabular}\n";
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html(const AblationTable& t) {
  std::string out = "<table class=\"spbench-ablation\">\n<thead>\n<tr><th>cell</th><th>runs</th>";
  for (const auto& c : t.columns) out += "<th>" + c.html + "</th>";
  out += "</tr>\n</thead>\n<tbody>\n";
  auto add = [&](const AblationRow& row) {
    const char* cls = row.reference ? " class=\"reference\"" : row.baseline ? " class=\"baseline\"" : "";
    out += fmt::format("<tr{}><td>{}</td><td>{}</td>", cls, html_escape(row_label(row)), runs_text(row));
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      out += "<td>";
      if (!(row.reference && !t.columns[c].reference)) {
        const Pieces p = pieces(t, row, c);
        if (p.na) {
          out += "n/a";
        } else {
          std::string text = p.value;
          if (!p.n.empty()) text += " &plusmn; " + p.spread + " (" + p.n + ")";
          if (row.best[c]) text = "<strong>" + text + "</strong>";
          if (!p.delta.empty()) text += " &Delta; " + p.delta;
          out += text;
        }
      }
      out += "</td>";
    }
    out += "</tr>\n";
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace

std::vector<CellResult> read_cell_results(const fs::path& results_dir, const AblationOptions& options) {
  if (!fs::is_directory(results_dir)) throw std::runtime_error(fmt::format("{}: no such folder", results_dir.string()));
  std::vector<CellResult> cells;
  const fs::path index_file = results_dir / "matrix.json";
  if (fs::exists(index_file)) {
    try {
      const json doc = json::parse(read_text(index_file));
      for (const auto& c : doc.at("cells")) {
        CellResult cell;
        cell.id = c.at("id").get<std::string>();
        cell.name = c.value("name", "");
        cell.group = c.value("group", cell.name);
        cell.dir = results_dir / cell.id;
        cells.push_back(std::move(cell));
      }
    } catch (const json::exception& e) {
      throw std::runtime_error(fmt::format("{}: unreadable: {}", index_file.string(), e.what()));
    }
  } else {
    // Any folder of run folders makes a table too, one row per run.
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(results_dir))
      if (entry.is_directory() && fs::exists(entry.path() / "status.json")) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      CellResult cell;
      cell.id = cell.name = cell.group = d.filename().string();
      cell.dir = d;
      cells.push_back(std::move(cell));
    }
    if (cells.empty())
      throw std::runtime_error(fmt::format("{}: neither a matrix.json nor run folders (with status.json)", results_dir.string()));
  }
  for (auto& cell : cells) read_cell(cell, options);
  return cells;
}

AblationTable build_ablation_table(const std::vector<CellResult>& cells, const AblationOptions& options) {
  AblationTable t;
  t.columns = columns_for(options);
  const std::size_t nc = t.columns.size();

  // Rows in the order their first cell appears.
  std::vector<std::string> groups;
  std::map<std::string, std::vector<const CellResult*>> members;
  for (const auto& c : cells) {
    const std::string label = c.group.empty() ? "(base)" : c.group;
    if (!members.count(label)) groups.push_back(label);
    members[label].push_back(&c);
  }
  for (const auto& label : groups) {
    AblationRow row;
    row.label = label;
    row.cells = static_cast<int>(members[label].size());
    if (row.cells > 1) t.grouped = true;
    for (const auto* c : members[label]) row.finished += c->finished ? 1 : 0;
    for (const auto& col : t.columns) {
      std::vector<double> values;
      for (const auto* c : members[label]) {
        auto it = c->values.find(col.key);
        if (c->finished && it != c->values.end() && !std::isnan(it->second)) values.push_back(it->second);
      }
      row.values.push_back(stat_of(values));
    }
    row.delta.assign(nc, kNaN);
    row.best.assign(nc, false);
    t.rows.push_back(std::move(row));
  }

  // Reference rows: the same predictor scored in several cells on the same
  // architectures gives the same numbers; count each distinct result once.
  std::vector<std::string> ref_names;
  std::map<std::string, std::vector<std::map<std::string, double>>> ref_values;
  for (const auto& c : cells)
    for (const auto& [name, values] : c.references) {
      if (!ref_values.count(name)) ref_names.push_back(name);
      auto& list = ref_values[name];
      if (std::find(list.begin(), list.end(), values) == list.end()) list.push_back(values);
    }
  for (const auto& name : ref_names) {
    AblationRow row;
    row.label = name;
    row.reference = true;
    row.cells = row.finished = static_cast<int>(ref_values[name].size());
    for (const auto& col : t.columns) {
      std::vector<double> values;
      for (const auto& v : ref_values[name]) {
        auto it = v.find(col.key);
        if (col.reference && it != v.end() && !std::isnan(it->second)) values.push_back(it->second);
      }
      row.values.push_back(stat_of(values));
    }
    if (row.cells > 1) t.grouped = true;
    row.delta.assign(nc, kNaN);
    row.best.assign(nc, false);
    t.references.push_back(std::move(row));
  }

  if (!options.baseline.empty()) {
    std::string label;
    for (const auto& c : cells)
      if (c.id == options.baseline || c.name == options.baseline || c.group == options.baseline)
        label = c.group.empty() ? "(base)" : c.group;
    auto it = std::find_if(t.rows.begin(), t.rows.end(), [&](const AblationRow& r) { return r.label == label; });
    if (label.empty() || it == t.rows.end()) {
      std::string known;
      for (const auto& r : t.rows) known += "\n  " + r.label;
      throw std::runtime_error(fmt::format("--baseline '{}' names no row; the rows are:{}", options.baseline, known));
    }
    it->baseline = true;
    t.baseline = it->label;
    const AblationRow base = *it;
    for (auto* rows : {&t.rows, &t.references})
      for (auto& row : *rows) {
        if (row.baseline) continue;
        for (std::size_t c = 0; c < nc; ++c)
          if (row.values[c].n > 0 && base.values[c].n > 0) row.delta[c] = row.values[c].mean - base.values[c].mean;
      }
  }

  // The best value of a column among the cells' rows (references are for
  // reading against, not competitors); marked only where there is a choice.
  for (std::size_t c = 0; c < nc; ++c) {
    std::vector<std::size_t> with;
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      if (t.rows[r].values[c].n > 0) with.push_back(r);
    if (with.size() < 2) continue;
    double best = t.rows[with.front()].values[c].mean;
    for (std::size_t r : with) {
      const double v = t.rows[r].values[c].mean;
      best = t.columns[c].higher_is_better ? std::max(best, v) : std::min(best, v);
    }
    for (std::size_t r : with) t.rows[r].best[c] = t.rows[r].values[c].mean == best;
  }
  return t;
}

TableFormat parse_table_format(const std::string& name) {
  if (name == "md" || name == "markdown") return TableFormat::Markdown;
  if (name == "csv") return TableFormat::Csv;
  if (name == "tex" || name == "latex") return TableFormat::Tex;
  if (name == "html") return TableFormat::Html;
  throw std::invalid_argument(fmt::format("unknown table format '{}' (md, csv, tex, html)", name));
}

std::string render_ablation(const AblationTable& table, TableFormat format) {
  switch (format) {
    case TableFormat::Markdown: return markdown(table);
    case TableFormat::Csv: return csv(table);
    case TableFormat::Tex: return tex(table);
    case TableFormat::Html: return html(table);
  }
  return "";
}

std::string ablation_table(const fs::path& results_dir, const AblationOptions& options, TableFormat format) {
  return render_ablation(build_ablation_table(read_cell_results(results_dir, options), options), format);
}

}  // namespace spbench::tables
