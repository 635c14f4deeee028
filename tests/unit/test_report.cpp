// The report page of a results folder (tables/report_page.hpp, `spbench
// report`) and the ablation plot's bars: the page is parsed (tags balanced,
// the table's rows, every cell's details, the embedded pictures decoded,
// nothing fetched from elsewhere) over a copy of the table's golden cells
// (tests/golden/table/results) given a resolved spec and provenance.

#include "catch.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "spbench/analysis/tables/ablation.hpp"
#include "spbench/analysis/tables/report_page.hpp"
#include "run_spbench.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench::tables;

namespace {

const char* const kBaseline = "sampler=uniform,strategy=one-shot";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The golden cells, each with a resolved spec (holding characters HTML must
// escape) and, all but the last, a provenance.json.
fs::path report_fixture(const std::string& name) {
  const fs::path dir = spbench::test::scratch_dir(name) / "results";
  fs::copy(fs::path(SPBENCH_TEST_SOURCE_DIR) / "golden" / "table" / "results", dir, fs::copy_options::recursive);
  std::vector<fs::path> cells;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) cells.push_back(e.path());
  std::sort(cells.begin(), cells.end());
  for (const auto& c : cells) {
    const std::string id = c.filename().string();
    std::ofstream(c / "resolved-spec.yaml") << "experiment: cell-" << id << "\nnote: \"a <b> & c\"\n";
    if (c != cells.back()) std::ofstream(c / "provenance.json") << "{\"git_commit\": \"commit-of-" << id << "\"}\n";
  }
  return dir;
}

ReportOptions options_with(const fs::path& plots_dir, const std::string& baseline = kBaseline) {
  ReportOptions o;
  o.ablation.baseline = baseline;
  o.ablation.comparison_resamples = 200;
  o.plots_dir = plots_dir;
  return o;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every opened element closes, in order (void elements excepted); the text
// holds no stray '<'. Returns the first problem, empty when well-formed.
std::string tag_problem(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "img", "br", "hr", "link", "input", "source", "wbr"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      i = html.find("-->", i);
      if (i == std::string::npos) return "unclosed comment";
      continue;
    }
    const std::size_t end = html.find('>', i);
    if (end == std::string::npos) return "unclosed tag at " + std::to_string(i);
    if (html.compare(i, 2, "<!") == 0) {  // <!DOCTYPE html>
      i = end + 1;
      continue;
    }
    const bool closing = html[i + 1] == '/';
    std::size_t n = i + (closing ? 2 : 1);
    std::string name;
    while (n < end && (std::isalnum(static_cast<unsigned char>(html[n])) || html[n] == '-')) name += html[n++];
    name = lower(name);
    if (name.empty()) return "stray '<' at " + std::to_string(i) + ": " + html.substr(i, 40);
    if (closing) {
      if (open.empty() || open.back() != name)
        return "</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">") + " at " +
               std::to_string(i);
      open.pop_back();
    } else if (std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end() && html[end - 1] != '/') {
      open.push_back(name);
      if (name == "style" || name == "script") {  // raw text up to its end tag
        const std::size_t close = lower(html).find("</" + name, end);
        if (close == std::string::npos) return "unclosed <" + name + ">";
        i = close;
        continue;
      }
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return "";
}

// The text from `start` up to the first `end` after it (empty when absent).
std::string between(const std::string& s, const std::string& start, const std::string& end) {
  const std::size_t a = s.find(start);
  if (a == std::string::npos) return "";
  const std::size_t b = s.find(end, a + start.size());
  return b == std::string::npos ? "" : s.substr(a, b + end.size() - a);
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + what.size())) ++n;
  return n;
}

std::string base64_decode(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string::npos) throw std::runtime_error(std::string("not base64: ") + c);
    value = value << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(value >> bits & 0xFF);
    }
  }
  return out;
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("Base64 matches the RFC 4648 test vectors", "[report]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  const std::string binary("\x89PNG\r\n\x1a\n\0\xff", 10);
  CHECK(base64_decode(base64_encode(binary)) == binary);
}

TEST_CASE("The report page is well-formed and shows every row of the table and every cell's spec and provenance",
          "[report]") {
  const fs::path results = report_fixture("report-page");
  ReportOptions o = options_with({});  // no plots: the page says so
  const ReportPage page = build_report_page(results, o);
  const std::string& html = page.html;
  INFO(html.substr(0, 400));
  CHECK(tag_problem(html).empty());
  CHECK(tag_problem("<p><b>x</p></b>") != "");  // the check itself can fail
  CHECK(tag_problem("<p>a < b</p>") != "");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "<style>") == 1);
  CHECK_THAT(html, Catch::Contains("Plots were not asked for"));

  // The ablation table: one body row per row of the table and reference row, each labelled.
  const auto cells = read_cell_results(results, o.ablation);
  const auto table = build_ablation_table(cells, o.ablation);
  const std::string ablation = between(html, "<table class=\"spbench-ablation\">", "</table>");
  REQUIRE_FALSE(ablation.empty());
  const std::string body = between(ablation, "<tbody>", "</tbody>");
  CHECK(count(body, "<tr") == table.rows.size() + table.references.size());
  for (const auto& r : table.rows) CHECK_THAT(body, Catch::Contains("<td>" + r.label));
  CHECK_THAT(body, Catch::Contains("<tr class=\"baseline\"><td>sampler=uniform,strategy=one-shot (baseline)</td>"));
  // Its significance marks, the comparison table and the noise floor.
  CHECK_THAT(body, Catch::Contains("&Delta; +0.046*"));
  const std::string comparison = between(html, "<table class=\"spbench-comparison\">", "</table>");
  CHECK(count(comparison, "<tr class=\"significant\">") >= 2);
  CHECK_THAT(comparison, Catch::Contains("MDE"));
  CHECK_THAT(html, Catch::Contains("id=\"noise-floor\"") && Catch::Contains("seed-to-seed sd of Kendall &tau; is 0.0"));

  // One <details> per cell, with its status, escaped resolved spec and provenance.
  CHECK(count(html, "<details class=\"cell\"") == cells.size());
  for (const auto& c : cells) {
    INFO("cell " << c.id);
    const std::string details = between(html, "<details class=\"cell\" id=\"cell-" + c.id + "\">", "</details>");
    REQUIRE_FALSE(details.empty());
    CHECK_THAT(details, Catch::Contains("<pre class=\"status\">"));
    CHECK_THAT(details, Catch::Contains("<pre class=\"resolved-spec\">experiment: cell-" + c.id +
                                        "\nnote: &quot;a &lt;b&gt; &amp; c&quot;\n</pre>"));
    if (c.id == "f0a9b8c7")  // the last folder: no provenance.json
      CHECK_THAT(details, Catch::Contains("No provenance.json"));
    else
      CHECK_THAT(details, Catch::Contains("<pre class=\"provenance\">{&quot;git_commit&quot;: &quot;commit-of-" + c.id));
  }
  CHECK_THAT(between(html, "id=\"cell-e0f1a2b3\"", "</summary>"), Catch::Contains("class=\"state failed\">failed<"));
}

TEST_CASE("Without gnuplot the report page says the plots are missing instead of failing", "[report]") {
  const fs::path results = report_fixture("report-no-gnuplot");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  const char* env = std::getenv("SPBENCH_GNUPLOT");
  const std::string gnuplot_env = env ? env : "";
  ::unsetenv("SPBENCH_GNUPLOT");
  ::setenv("PATH", "/nonexistent", 1);
  ReportPage page;
  CHECK_NOTHROW(page = build_report_page(results, options_with(results / "plots")));
  ::setenv("PATH", path.c_str(), 1);
  if (env) ::setenv("SPBENCH_GNUPLOT", gnuplot_env.c_str(), 1);
  CHECK(page.plots.empty());
  REQUIRE(page.warnings.size() == 1);
  CHECK_THAT(page.html, Catch::Contains("<p class=\"warning\">gnuplot not found"));
  CHECK(page.html.find("<img") == std::string::npos);
  CHECK(tag_problem(page.html).empty());
}

TEST_CASE("The ablation plot's bars follow the effect: Δ against the baseline with its interval, else the mean",
          "[report]") {
  const auto cells = read_cell_results(fs::path(SPBENCH_TEST_SOURCE_DIR) / "golden" / "table" / "results");
  AblationOptions with;
  with.baseline = kBaseline;
  with.comparison_resamples = 200;
  const auto table = build_ablation_table(cells, with);
  const AblationBars bars = ablation_bars(table);
  CHECK(bars.delta);
  // Every compared row but the baseline and the failed row (no value).
  REQUIRE(bars.bars.size() == 2);
  CHECK(bars.bars[0].label == "sampler=strict-fair,strategy=one-shot");
  CHECK(bars.bars[1].label == "strategy=few-shot,search_space.ops=[none, nor_conv_3x3]");
  for (std::size_t i = 1; i < bars.bars.size(); ++i) CHECK(bars.bars[i - 1].effect >= bars.bars[i].effect);
  const auto& fair = table.comparison.rows[0];
  REQUIRE(fair.label == bars.bars[0].label);
  CHECK(bars.bars[0].effect == fair.result.metrics[0].delta);
  CHECK(bars.bars[0].low == fair.result.metrics[0].low);
  CHECK(bars.bars[0].high == fair.result.metrics[0].high);
  CHECK(bars.bars[0].low < bars.bars[0].effect);
  CHECK(bars.bars[0].significant == fair.significant[0]);
  CHECK(bars.bars[0].compared);
  CHECK(bars.band_center == 0);
  CHECK(bars.band_half_width == fair.result.metrics[0].baseline_sd);

  const AblationBars plain = ablation_bars(build_ablation_table(cells, {}));
  CHECK_FALSE(plain.delta);
  REQUIRE(plain.bars.size() == 3);
  CHECK(plain.bars[0].effect == Approx(0.561));
  CHECK(plain.bars[1].effect == Approx((0.512 + 0.534 + 0.498) / 3));
  CHECK(plain.bars[1].high - plain.bars[1].effect == Approx(0.018147).epsilon(1e-4));
  CHECK(plain.bars[2].effect == Approx(0.300));
  CHECK(std::isnan(plain.bars[0].low));  // one value: no spread
  CHECK(std::isnan(plain.band_half_width));
}

// A CTest test of its own (test_report:needs-gnuplot), "Skipped" without gnuplot.
TEST_CASE("The report page embeds its plots as PNG data URIs and refers to nothing outside itself",
          "[report][needs-gnuplot]") {
  if (!have_gnuplot()) SPBENCH_SKIP("gnuplot is not installed (scripts/setup installs gnuplot-nox)");
  const fs::path results = report_fixture("report-plots");
  const ReportPage page = build_report_page(results, options_with(results / "plots"));
  INFO((page.warnings.empty() ? "" : page.warnings.front()));
  CHECK(page.warnings.empty());
  const std::string& html = page.html;
  CHECK(tag_problem(html).empty());
  CHECK(count(html, "<img ") == 3);
  for (const char* name : {"ablation", "topn-kendall", "scatter"}) {
    INFO(name);
    const std::string figure = between(html, std::string("<figure id=\"plot-") + name + "\">", "</figure>");
    REQUIRE_FALSE(figure.empty());
    const std::string prefix = "src=\"data:image/png;base64,";
    const std::string uri = between(figure, prefix, "\"");
    REQUIRE(uri.size() > prefix.size() + 40);
    const std::string png = base64_decode(uri.substr(prefix.size(), uri.size() - prefix.size() - 1));
    CHECK(png.size() > 1000);
    CHECK(png.compare(0, 4, "\x89PNG") == 0);
    CHECK(png == read(results / "plots" / (std::string(name) + ".png")));
    CHECK_THAT(figure, Catch::Contains(std::string(name) + ".svg") && Catch::Contains(std::string(name) + ".pdf"));
  }
  // Self-contained: no script, no stylesheet link, nothing loaded from a URL.
  for (const char* outside : {"src=\"http", "src='http", "href=\"http", "<script", "<link", "@import", "url("})
    CHECK(lower(html).find(outside) == std::string::npos);
  for (std::size_t i = html.find("src=\""); i != std::string::npos; i = html.find("src=\"", i + 1))
    CHECK(html.compare(i, 16, "src=\"data:image/") == 0);
  // The bars' order is the plot's order: the first bar is the top tick.
  const std::string script = read(results / "plots" / "ablation.plot.gp");
  const auto bars = ablation_bars(build_ablation_table(read_cell_results(results), options_with({}).ablation));
  REQUIRE(bars.bars.size() == 2);
  CHECK_THAT(script, Catch::Contains("set ytics (\"" + bars.bars[0].label + " *\" 1, \"" + bars.bars[1].label + " *\" 0)"));
}

TEST_CASE("spbench report writes the page for a results folder where -o says and refuses a folder without cells",
          "[report]") {
  const fs::path results = report_fixture("report-command");
  const fs::path page = results.parent_path() / "page.html";
  const auto r = spbench::test::run_spbench("report '" + results.string() + "' --baseline '" + kBaseline +
                                            "' --resamples 200 -o '" + page.string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  REQUIRE(fs::exists(page));
  const std::string html = read(page);
  CHECK(tag_problem(html).empty());
  for (const auto& e : fs::directory_iterator(results))
    if (e.is_directory() && e.path().filename() != "plots") CHECK(count(html, "cell-" + e.path().filename().string()) >= 1);
  CHECK(r.output.find(page.string()) != std::string::npos);

  const fs::path empty = spbench::test::scratch_dir("report-command-empty");
  const auto refused = spbench::test::run_spbench("report '" + empty.string() + "'");
  INFO(refused.output);
  CHECK(refused.status != 0);
  CHECK_FALSE(fs::exists(empty / "report.html"));
}
