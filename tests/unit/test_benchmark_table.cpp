// Benchmark tables: RFC 4180 parsing, located errors, column lookup with
// "did you mean", and joining rows to NAS-Bench-201 architectures with every
// left-out row reported.

#include "catch.hpp"

#include <cmath>
#include <fstream>
#include <spbench/analysis/results/benchmark_table.hpp>
#include <spbench/analysis/results/csv.hpp>
#include <spbench/analysis/results/ground_truth.hpp>
#include <string>

#include "test_paths.hpp"

using namespace spbench::tables;

namespace {

// NAS-Bench-201 indices 0 and 1 (their published order).
const std::string kArch0 =
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|";
const std::string kArch1 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const TableError& e) {
    return e.what();
  }
  return "(no error)";
}

BenchmarkTable table(const std::string& text) { return BenchmarkTable(parse_csv(text, "t.csv")); }

}  // namespace

TEST_CASE("CSV fields may be quoted, holding commas, doubled quotes and line breaks") {
  const auto t = parse_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"\",plain, spaced \n", "q.csv");
  REQUIRE(t.header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] == std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"});
  CHECK(t.rows[1] == std::vector<std::string>{"", "plain", " spaced "});
  // The second record starts on line 4: the quoted line break counts.
  CHECK(t.lines == std::vector<std::size_t>{2, 4});
}

TEST_CASE("CSV parsing skips a byte-order mark and blank lines and needs no final line end") {
  const auto t = parse_csv("\xEF\xBB\xBFname,v\n\nx,1\n\r\ny,2", "b.csv");
  CHECK(t.header[0] == "name");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.lines == std::vector<std::size_t>{3, 5});
  CHECK(t.rows[1][1] == "2");
}

TEST_CASE("CSV errors name the file and line and say what was expected") {
  CHECK(error_of([] { parse_csv("a,b\n1,2\n3\n", "f.csv"); }) ==
        "f.csv:3: expected 2 fields (as in the header row), found 1");
  CHECK(error_of([] { parse_csv("a,b\n1,2,3\n", "f.csv"); }) ==
        "f.csv:2: expected 2 fields (as in the header row), found 3");
  CHECK_THAT(error_of([] { parse_csv("a,b\n1,\"open\n\n", "f.csv"); }),
             Catch::StartsWith("f.csv:2: unterminated quoted field"));
  CHECK_THAT(error_of([] { parse_csv("a,b\n1,\"x\"y\n", "f.csv"); }),
             Catch::StartsWith("f.csv:2: unexpected 'y' after a closing quote"));
  CHECK_THAT(error_of([] { parse_csv("a,b\n1,x\"y\n", "f.csv"); }),
             Catch::StartsWith("f.csv:2: unexpected '\"' inside an unquoted field"));
  CHECK_THAT(error_of([] { parse_csv("a,b,a\n", "f.csv"); }),
             Catch::Contains("f.csv:1:") && Catch::Contains("\"a\" appears twice"));
  CHECK_THAT(error_of([] { parse_csv("\n\n", "f.csv"); }), Catch::StartsWith("f.csv: empty file"));
  CHECK_THAT(error_of([] { read_csv("/nonexistent/x.csv"); }),
             Catch::StartsWith("/nonexistent/x.csv: cannot open"));
  try {
    parse_csv("a\n1\n\"", "g.csv");
    FAIL("no error");
  } catch (const TableError& e) {
    CHECK(e.file() == "g.csv");
    CHECK(e.line() == 3);
  }
}

TEST_CASE("Fields that need quoting are written quoted and read back unchanged") {
  for (std::string value : {"plain", "a,b", "say \"x\"", "two\nlines", " padded ", ""}) {
    const auto t = parse_csv("v,w\n" + csv_field(value) + ",end\n", "r.csv");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0][0] == value);
  }
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("Numbers are read strictly and independently of the locale") {
  CHECK(parse_number("93.5") == 93.5);
  CHECK(parse_number(" -1e-3 ") == -1e-3);
  CHECK(parse_number("+2") == 2.0);
  CHECK(std::isnan(*parse_number("nan")));
  CHECK(std::isinf(*parse_number("-inf")));
  for (const char* bad : {"", " ", "93,5", "1.2.3", "abc", "12abc", "+-1", "++1", "0x10"})
    CHECK_FALSE(parse_number(bad).has_value());
}

TEST_CASE("A non-numeric cell is an error naming file, line, column and text; an empty one is missing") {
  const auto t = table("index,acc\n0,91.5\n1,\n2,n/a\n");
  CHECK(error_of([&] { t.numeric_column("acc"); }) == "t.csv:4: column \"acc\": expected a number, found \"n/a\"");
  const auto ok = table("index,acc\n0,91.5\n1,\n");
  const auto values = ok.numeric_column("acc");
  REQUIRE(values.size() == 2);
  CHECK(values[0] == 91.5);
  CHECK_FALSE(values[1].has_value());
}

TEST_CASE("An unknown column is an error naming the file, the likely column and all columns") {
  const auto t = table("index,arch,cifar10_test_acc,cifar100_test_acc\n");
  const std::string message = error_of([&] { t.column_index("cifar10_test_accc"); });
  CHECK_THAT(message, Catch::StartsWith("t.csv: no column \"cifar10_test_accc\"; did you mean \"cifar10_test_acc\""));
  CHECK_THAT(message, Catch::Contains("available columns: index, arch, cifar10_test_acc, cifar100_test_acc"));
  CHECK_THAT(error_of([&] { t.column_index("zzzzzzzzzzzz"); }), !Catch::Contains("did you mean"));
  CHECK(t.column_index("arch") == 1);
}

TEST_CASE("Joining by index reports bad, out-of-range, duplicate and valueless rows") {
  const auto t = table(
      "index,acc\n"
      "0,90\n"      // line 2: joined
      "1,80\n"      // line 3: joined
      "x,70\n"      // line 4: not an integer
      "15625,60\n"  // line 5: out of range
      "-1,60\n"     // line 6: out of range
      "0,50\n"      // line 7: duplicate of line 2
      "2,\n"        // line 8: empty value
      "3,nan\n");   // line 9: NaN
  const auto load = load_ground_truth(t, "acc");
  CHECK(load.values.size() == 2);
  CHECK(load.values.at(0) == 90.0);
  CHECK(load.values.at(1) == 80.0);
  CHECK_FALSE(load.values.at(2).has_value());
  const auto& r = load.report;
  CHECK(r.rows == 8);
  CHECK(r.matched == 2);
  CHECK(r.unmatched() == 6);
  CHECK(r.counts.at(JoinIssue::BadIndex) == 1);
  CHECK(r.counts.at(JoinIssue::IndexOutOfRange) == 2);
  CHECK(r.counts.at(JoinIssue::Duplicate) == 1);
  CHECK(r.counts.at(JoinIssue::MissingValue) == 1);
  CHECK(r.counts.at(JoinIssue::NonFiniteValue) == 1);
  CHECK(r.examples.at(JoinIssue::Duplicate).front().line == 7);
  CHECK_THAT(r.examples.at(JoinIssue::Duplicate).front().detail, Catch::Contains("line 2"));
  const std::string summary = r.summary();
  CHECK_THAT(summary, Catch::StartsWith("t.csv: 2 of 8 rows joined; left out:"));
  CHECK_THAT(summary, Catch::Contains("2 × index out of range") && Catch::Contains("line 5: \"15625\""));
}

TEST_CASE("Joining by arch string finds the NAS-Bench-201 index and reports strings that do not parse") {
  const auto t = table("arch,acc\n" + kArch1 + ",77\n|bogus~0|,66\n" + kArch0 + ",55\n");
  const auto load = load_ground_truth(t, "acc");
  CHECK(load.values.at(1) == 77.0);
  CHECK(load.values.at(0) == 55.0);
  CHECK(load.report.matched == 2);
  REQUIRE(load.report.counts.count(JoinIssue::BadArch) == 1);
  CHECK(load.report.examples.at(JoinIssue::BadArch).front().line == 3);
  CHECK(load.report.examples.at(JoinIssue::BadArch).front().key == "|bogus~0|");
}

TEST_CASE("With both arch and index columns, rows where they disagree are reported") {
  const auto t = table("index,arch,acc\n0," + kArch0 + ",1\n0," + kArch1 + ",2\n1," + kArch1 + ",3\n");
  const auto load = load_ground_truth(t, "acc");
  CHECK(load.report.matched == 2);
  CHECK(load.report.counts.at(JoinIssue::ArchIndexMismatch) == 1);
  CHECK_THAT(load.report.examples.at(JoinIssue::ArchIndexMismatch).front().detail, Catch::Contains("index 1"));
  // Asked to join by index only, the arch column is not consulted.
  CHECK(load_ground_truth(t, "acc", JoinKey::Index).report.counts.count(JoinIssue::ArchIndexMismatch) == 0);
}

TEST_CASE("A table without arch or index column cannot be joined, and says so") {
  const auto t = table("name,acc\nx,1\n");
  CHECK_THAT(error_of([&] { load_ground_truth(t, "acc"); }),
             Catch::StartsWith("t.csv: needs an \"arch\" or an \"index\" column"));
}

TEST_CASE("The NAS-Bench-201 table gives a clean ground truth for all 15625 architectures") {
  const auto table = BenchmarkTable::read(spbench::test::nb201_csv());
  for (const char* column : {"cifar10_test_acc", "cifar100_test_acc", "cifar10_valid_acc_12ep"}) {
    const auto load = load_ground_truth(table, column);
    INFO(column << ": " << load.report.summary());
    CHECK(load.report.clean());
    CHECK(load.values.size() == 15625);
  }
  const auto c10 = load_ground_truth(table, "cifar10_test_acc").values;
  CHECK(*c10.at(0) == Approx(85.86333333333334));
  CHECK(*c10.at(1) == Approx(93.66000000000001));
}
