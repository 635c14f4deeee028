// Matrix expansion: the Cartesian product with exclude/include, stable ids,
// validation of every cell with errors located in the matrix section, the
// dry run and the Slurm job script.

#include "catch.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "spbench/study/matrix/matrix.hpp"
#include "spbench/study/matrix/results.hpp"
#include "run_spbench.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace spbench::spec_test {
PluginCatalog fake_catalog();  // test_spec_golden.cpp
}

namespace {

std::vector<std::string> names(const matrix::MatrixDefinition& def) {
  std::vector<std::string> out;
  for (const auto& c : def.cells) out.push_back(c.name);
  return out;
}

matrix::MatrixDefinition expand(const std::string& text, std::vector<Diagnostic>& diagnostics) {
  LoadedSpec loaded = load_spec_text(text, "m.yaml", fs::current_path());
  REQUIRE(loaded.diagnostics.empty());
  return matrix::expand_matrix(loaded.root, diagnostics);
}

using Result = spbench::test::CliResult;
Result run(const std::string& args) { return spbench::test::run_spbench(args); }
std::string read(const fs::path& p) { return spbench::test::read_file(p); }

}  // namespace

TEST_CASE("A matrix expands to the Cartesian product, first axis slowest, less exclusions, plus inclusions") {
  std::vector<Diagnostic> diagnostics;
  const auto def = expand(
      "matrix:\n"
      "  sampler: [uniform, strict-fair]\n"
      "  strategy: [one-shot, few-shot]\n"
      "  seed: [0, 1]\n"
      "  exclude:\n"
      "    - {sampler: uniform, strategy: few-shot}\n"
      "  include:\n"
      "    - {sampler: progressive, strategy: one-shot, seed: 0}\n"
      "    - {sampler: strict-fair, strategy: one-shot, seed: 1}\n",
      diagnostics);
  INFO(format(diagnostics));
  REQUIRE(diagnostics.empty());
  CHECK(def.axis_keys == std::vector<std::string>{"sampler", "strategy", "seed"});
  CHECK(names(def) == std::vector<std::string>{
                          "sampler=uniform,strategy=one-shot,seed=0", "sampler=uniform,strategy=one-shot,seed=1",
                          "sampler=strict-fair,strategy=one-shot,seed=0", "sampler=strict-fair,strategy=one-shot,seed=1",
                          "sampler=strict-fair,strategy=few-shot,seed=0", "sampler=strict-fair,strategy=few-shot,seed=1",
                          "sampler=progressive,strategy=one-shot,seed=0"});
  for (std::size_t i = 0; i < def.cells.size(); ++i) CHECK(def.cells[i].index == i);
  CHECK(def.cells[0].group() == "sampler=uniform,strategy=one-shot");
  CHECK(def.cells[0].sets() == std::vector<std::string>{"sampler=uniform", "strategy=one-shot", "seed=0"});
}

TEST_CASE("A cell's id depends only on its axis values, not on axis order or the other cells") {
  std::vector<Diagnostic> d1, d2;
  const auto a = expand("matrix: {sampler: [uniform, strict-fair], seed: [0, 1]}\n", d1);
  const auto b = expand("matrix: {seed: [1, 0, 2], sampler: [strict-fair, uniform]}\n", d2);
  REQUIRE(d1.empty());
  REQUIRE(d2.empty());
  std::set<std::string> ids_a, ids_b;
  for (const auto& c : a.cells) ids_a.insert(c.id);
  for (const auto& c : b.cells) ids_b.insert(c.id);
  CHECK(ids_a.size() == 4);
  for (const auto& id : ids_a) {
    CHECK(ids_b.count(id) == 1);
    CHECK(std::regex_match(id, std::regex("[0-9a-f]{8}")));
  }
  // Fixed forever: a results folder written today must be found by a later spbench.
  CHECK(matrix::cell_id({{"sampler", "uniform", {}}, {"seed", "0", {}}}) ==
        matrix::cell_id({{"seed", "0", {}}, {"sampler", "uniform", {}}}));
  CHECK(matrix::cell_id({{"sampler", "uniform", {}}}) != matrix::cell_id({{"sampler", "strict-fair", {}}}));
  CHECK(matrix::cell_id({{"sampler", "uniform", {}}}) == "9495657c");
}

TEST_CASE("List and map axis values are written as YAML flow text that reads back the same") {
  std::vector<Diagnostic> diagnostics;
  const auto def = expand(
      "matrix:\n"
      "  variants: [[], [grad-clip], [{name: label-smoothing, options: {epsilon: 0.2}}]]\n"
      "  search_space.ops: [[none, nor_conv_3x3]]\n"
      "  name: ['a: b']\n",
      diagnostics);
  REQUIRE(diagnostics.empty());
  REQUIRE(def.cells.size() == 3);
  CHECK(def.cells[0].sets()[0] == "variants=[]");
  CHECK(def.cells[1].sets()[0] == "variants=[grad-clip]");
  CHECK(def.cells[2].sets()[0] == "variants=[{name: label-smoothing, options: {epsilon: 0.2}}]");
  CHECK(def.cells[0].sets()[1] == "search_space.ops=[none, nor_conv_3x3]");
  CHECK(def.cells[0].sets()[2] == "name=\"a: b\"");
}

TEST_CASE("Every cell is validated, and a bad axis value is reported where the matrix section wrote it") {
  const fs::path dir = test::scratch_dir("matrix-validate");
  std::ofstream(dir / "m.yaml") << "training: {epochs: 2}\n"
                                   "matrix:\n"
                                   "  sampler: [uniform, unifrom]\n"
                                   "  variants: [[grad-clip], [{name: grad-clip, options: {max_norm: lots}}]]\n";
  std::vector<Diagnostic> diagnostics;
  const auto m = matrix::resolve_matrix(dir / "m.yaml", spec_test::fake_catalog(), {}, diagnostics);
  const std::string text = format(diagnostics);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("m.yaml:3:22") && Catch::Contains("did you mean 'uniform'") &&
                       Catch::Contains("(cell sampler=unifrom,variants=[grad-clip])"));
  CHECK_THAT(text, Catch::Contains("m.yaml:4:27") && Catch::Contains("variants[0].options.max_norm"));
  CHECK(m.cells.size() == 1);  // only sampler=uniform with the plain grad-clip is valid
  CHECK(m.cells.at(0).spec.sampler.name == "uniform");
  CHECK(m.cells.at(0).spec.run.epochs == 2);
  CHECK(m.cells.at(0).cell.epochs == 2);
}

TEST_CASE("Mistakes in the matrix section itself are reported with their location") {
  std::vector<Diagnostic> diagnostics;
  expand("matrix:\n  sampler: uniform\n  seed: [0, 0]\n  exclude: [{smapler: uniform}]\n", diagnostics);
  const std::string text = format(diagnostics);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("m.yaml:2:12: error: matrix.sampler: expected a non-empty list"));
  CHECK_THAT(text, Catch::Contains("matrix.seed: the value 0 appears twice"));
  CHECK_THAT(text, Catch::Contains("matrix.exclude[0].smapler: not an axis"));
  std::vector<Diagnostic> none;
  expand("matrix:\n  seed: [0, 1]\n  exclude: [{seed: 2}]\n", none);
  CHECK_THAT(format(none), Catch::Contains("excludes no cell"));
}

TEST_CASE("seeds: N and seeds: [list] are the seed axis, named like seed: [...] cells") {
  std::vector<Diagnostic> d1, d2, d3;
  const auto count = expand("matrix:\n  sampler: [uniform, strict-fair]\n  seeds: 3\n", d1);
  const auto list = expand("matrix:\n  sampler: [uniform, strict-fair]\n  seeds: [0, 3, 07]\n", d2);
  const auto plain = expand("matrix:\n  sampler: [uniform, strict-fair]\n  seed: [0, 1, 2]\n", d3);
  INFO(format(d1) << format(d2) << format(d3));
  REQUIRE(d1.empty());
  REQUIRE(d2.empty());
  REQUIRE(d3.empty());
  CHECK(count.axis_keys == std::vector<std::string>{"sampler", "seed"});
  // The same cells, ids and groups as the ordinary axis: a results folder
  // started with `seed: [0, 1, 2]` continues under `seeds: 3`.
  REQUIRE(names(count) == names(plain));
  for (std::size_t i = 0; i < count.cells.size(); ++i) {
    CHECK(count.cells[i].id == plain.cells[i].id);
    CHECK(count.cells[i].group() == plain.cells[i].group());
  }
  CHECK(names(list) == std::vector<std::string>{"sampler=uniform,seed=0", "sampler=uniform,seed=3", "sampler=uniform,seed=7",
                                                "sampler=strict-fair,seed=0", "sampler=strict-fair,seed=3",
                                                "sampler=strict-fair,seed=7"});
  CHECK(list.cells[1].group() == "sampler=uniform");
}

TEST_CASE("seeds: with seed:, or seeds that are not distinct integers, are refused where written") {
  std::vector<Diagnostic> both, bad, zero, twice;
  expand("matrix:\n  seed: [0, 1]\n  seeds: 2\n", both);
  CHECK_THAT(format(both), Catch::Contains("m.yaml:3:3") && Catch::Contains("both `seeds:` and `seed:`"));
  expand("matrix:\n  seeds: [0, x, -1, [2]]\n", bad);
  CHECK(bad.size() == 3);
  CHECK_THAT(format(bad), Catch::Contains("m.yaml:2:14: error: matrix.seeds: expected a seed (an integer >= 0), got 'x'"));
  expand("matrix:\n  seeds: 0\n", zero);
  CHECK_THAT(format(zero), Catch::Contains("expected a number of seeds >= 1"));
  expand("matrix:\n  seeds: [1, 01]\n", twice);
  CHECK_THAT(format(twice), Catch::Contains("the seed 1 appears twice"));
}

TEST_CASE("The slurm section and the resolved specs stay out of the experiment schema") {
  const fs::path dir = test::scratch_dir("matrix-slurm-section");
  std::ofstream(dir / "m.yaml") << "slurm: {partition: short, cpus: 4, time: '00:10:00'}\nmatrix: {seed: [0, 1]}\n";
  std::vector<Diagnostic> diagnostics;
  const auto m = matrix::resolve_matrix(dir / "m.yaml", spec_test::fake_catalog(), {}, diagnostics);
  INFO(format(diagnostics));
  REQUIRE(diagnostics.empty());
  CHECK(m.definition.slurm.partition == "short");
  CHECK(m.definition.slurm.cpus == 4);
  CHECK(m.definition.slurm.time == "00:10:00");
  REQUIRE(m.cells.size() == 2);
  CHECK(m.cells[1].spec.seed == 1);
  CHECK(m.cells[1].yaml.find("matrix") == std::string::npos);
  CHECK(matrix::spec_differences(m.cells[0].yaml, m.cells[1].yaml) == std::vector<std::string>{"seed: 0 → 1"});
}

TEST_CASE("The job array lists the cells compactly and runs each through matrix-task") {
  CHECK(matrix::array_ranges({0, 1, 2, 3}) == "0-3");
  CHECK(matrix::array_ranges({5, 0, 2, 3}) == "0,2-3,5");
  matrix::MatrixIndex index;
  index.name = "study";
  matrix::SlurmOptions options;
  options.settings.partition = "gpu";
  options.settings.time = "01:00:00";
  options.settings.cpus = 4;
  options.settings.gpus = 1;
  options.settings.mem = "8G";
  const std::string script = matrix::sbatch_script("/r/x", index, {0, 1, 3}, options, "/opt/spbench");
  CHECK_THAT(script, Catch::StartsWith("#!/bin/bash\n"));
  for (const char* line : {"#SBATCH --array=0-1,3\n", "#SBATCH --partition=gpu\n", "#SBATCH --time=01:00:00\n",
                           "#SBATCH --cpus-per-task=4\n", "#SBATCH --gres=gpu:1\n", "#SBATCH --mem=8G\n",
                           "#SBATCH --output=/r/x/slurm/task-%a.out\n",
                           "exec '/opt/spbench' matrix-task '/r/x' \"$SLURM_ARRAY_TASK_ID\" --threads 4\n"})
    CHECK_THAT(script, Catch::Contains(line));
}

TEST_CASE("spbench matrix --dry-run lists every cell with its resolved differences and runs nothing") {
  const fs::path dir = test::scratch_dir("matrix-dry-run");
  std::ofstream(dir / "m.yaml") << "name: dry\nmatrix:\n  sampler: [uniform, strict-fair]\n  training.epochs: [1, 3]\n"
                                   "  exclude: [{sampler: uniform, training.epochs: 3}]\n";
  const Result r = run("matrix '" + (dir / "m.yaml").string() + "' --dry-run --out '" + (dir / "out").string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("matrix 'dry': 3 cells over sampler × training.epochs"));
  CHECK_THAT(r.output, Catch::Contains("sampler=strict-fair,training.epochs=3"));
  CHECK_THAT(r.output, Catch::Contains("sampler.name: uniform → strict-fair"));
  CHECK_THAT(r.output, Catch::Contains("training.epochs: 1 → 3"));
  CHECK_FALSE(fs::exists(dir / "out"));

  const Result bad = run("matrix '" + (dir / "m.yaml").string() + "' --dry-run --set training.batch_size=zero");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.output, Catch::Contains("--set training.batch_size=zero"));
}

TEST_CASE("spbench matrix --backend slurm --no-submit writes the job array with settings from spec and command line") {
  const fs::path dir = test::scratch_dir("matrix-sbatch");
  std::ofstream(dir / "m.yaml") << "name: arr\nslurm: {partition: short, cpus: 2, mem: 4G}\nmatrix: {seed: [0, 1, 2]}\n";
  const Result r = run("matrix '" + (dir / "m.yaml").string() + "' --backend slurm --no-submit --time 00:05:00 --cpus 1 --out '" +
                       (dir / "out").string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string script = read(dir / "out" / "slurm" / "array.sbatch");
  CHECK_THAT(script, Catch::Contains("#SBATCH --array=0-2\n") && Catch::Contains("#SBATCH --partition=short\n") &&
                         Catch::Contains("#SBATCH --time=00:05:00\n") && Catch::Contains("#SBATCH --cpus-per-task=1\n") &&
                         Catch::Contains("#SBATCH --mem=4G\n"));
  const auto index = matrix::read_matrix_json(dir / "out");
  REQUIRE(index.cells.size() == 3);
  for (const auto& c : index.cells) CHECK(fs::exists(dir / "out" / c.id / "cell.yaml"));
  CHECK(index.cells[2].name == "seed=2");
}

TEST_CASE("A results folder refuses a cell whose spec changed after it started, and tells running from interrupted") {
  const fs::path dir = test::scratch_dir("matrix-prepare");
  const fs::path results = dir / "results";
  auto resolve = [&](int epochs) {
    std::ofstream(dir / "m.yaml") << "name: prep\ntraining: {epochs: " << epochs << "}\nmatrix: {seed: [0, 1]}\n";
    std::vector<Diagnostic> diagnostics;
    auto m = matrix::resolve_matrix(dir / "m.yaml", spec_test::fake_catalog(), {}, diagnostics);
    REQUIRE(diagnostics.empty());
    return m;
  };
  const auto first = resolve(2);
  matrix::prepare_results(results, first);
  const auto index = matrix::read_matrix_json(results);
  REQUIRE(index.cells.size() == 2);
  CHECK(index.cells[1].epochs == 2);
  CHECK(read(results / index.cells[0].id / "cell.yaml") == first.cells[0].yaml);

  // Not started yet: the new spec simply replaces the old one.
  matrix::prepare_results(results, resolve(3));
  CHECK_THAT(read(results / index.cells[0].id / "cell.yaml"), Catch::Contains("epochs: 3"));

  const fs::path cell = results / index.cells[0].id;
  std::ofstream(cell / "status.json") << R"({"state": "running"})";
  CHECK_THROWS_WITH(matrix::prepare_results(results, resolve(4)),
                    Catch::Contains("already ran with a different spec") && Catch::Contains("seed=0"));
  CHECK_THAT(read(cell / "cell.yaml"), Catch::Contains("epochs: 3"));  // nothing was written

  // Nobody holds the cell's lock: the "running" run was killed.
  CHECK(matrix::read_cell_status(cell).state == matrix::CellState::Interrupted);
  {
    auto lock = matrix::FileLock::acquire(cell / ".cell.lock");
    REQUIRE(lock);
    CHECK(matrix::read_cell_status(cell).state == matrix::CellState::Running);
  }
  CHECK_THAT(matrix::format_status(results),
             Catch::Contains("2 cells: 0 finished, 0 running, 1 interrupted, 0 failed, 1 pending"));
}

TEST_CASE("The matrix's work estimate counts stand-alone ground truth once per cache folder, less what is cached") {
  auto cell = [](int epochs, std::int64_t trainings, int gt_epochs, const std::string& cache) {
    matrix::Cell c;
    c.epochs = epochs;
    c.ground_truth_trainings = trainings;
    c.ground_truth_epochs = gt_epochs;
    c.ground_truth_cache = cache;
    return c;
  };
  // Two cells share cache A (the first trains it), one has its own cache B
  // (3 of its 4 architectures already trained), one has table truth.
  const std::vector<matrix::Cell> cells = {cell(5, 10, 2, "A"), cell(5, 10, 2, "A"), cell(3, 4, 1, "B"),
                                           cell(0, 0, 0, "")};
  std::vector<const matrix::Cell*> queue;
  for (const auto& c : cells) queue.push_back(&c);
  std::vector<std::string> asked;
  const auto work = matrix::estimate_matrix_work(queue, [&](const std::string& folder) -> std::int64_t {
    asked.push_back(folder);
    return folder == "B" ? 3 : 0;
  });
  REQUIRE(work.cell_units.size() == 4);
  CHECK(work.cell_units[0] == 5 + 10 * 2);
  CHECK(work.cell_units[1] == 5);
  CHECK(work.cell_units[2] == 3 + 1 * 1);
  CHECK(work.cell_units[3] == 1);  // a cell without known epochs still counts as one unit
  CHECK(work.total == 25 + 5 + 4 + 1);
  CHECK(asked == std::vector<std::string>{"A", "B"});

  // More architectures cached than the cell needs: no negative work.
  const auto cached = matrix::estimate_matrix_work({&cells[0]}, [](const std::string&) -> std::int64_t { return 50; });
  CHECK(cached.total == 5);
}

TEST_CASE("cached_trainings counts the architectures of a stand-alone cache folder") {
  const fs::path dir = test::scratch_dir("matrix-cached-trainings");
  CHECK(matrix::cached_trainings(dir / "absent") == 0);
  for (const char* name : {"12.json", "7.json", "config.json", "12.json.tmp", "notes.txt"})
    std::ofstream(dir / name) << "{}";
  CHECK(matrix::cached_trainings(dir) == 2);
}
