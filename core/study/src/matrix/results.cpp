// matrix.json and the cells' folders (results_index.hpp).

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>

#include "spbench/util/atomic_file.hpp"
#include "spbench/study/matrix/results_index.hpp"
#include "spbench/engine/runs/run_directory.hpp"
#include "spbench/util/read_file.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;
using nlohmann::json;

std::string matrix_json(const MatrixIndex& index) {
  json cells = json::array();
  for (const auto& c : index.cells) {
    json axes = json::array();
    for (const auto& a : c.axes) axes.push_back({{"key", a.key}, {"value", a.value}});
    cells.push_back({{"index", c.index},
                     {"id", c.id},
                     {"name", c.name},
                     {"group", c.group()},
                     {"axes", axes},
                     {"epochs", c.epochs}});
    if (c.ground_truth_trainings > 0)
      cells.back()["ground_truth"] = {{"trainings", c.ground_truth_trainings},
                                      {"epochs", c.ground_truth_epochs},
                                      {"cache", c.ground_truth_cache}};
  }
  json doc = {{"format", 1},
              {"name", index.name},
              {"spec", index.spec.string()},
              {"axes", index.axis_keys},
              {"cells", cells}};
  return doc.dump(2) + "\n";
}

MatrixIndex read_matrix_json(const fs::path& results_dir) {
  const fs::path file = results_dir / kMatrixFile;
  if (!fs::exists(file))
    throw std::runtime_error(fmt::format("{}: no {} (not a matrix results folder)", results_dir.string(), kMatrixFile));
  MatrixIndex index;
  try {
    const json doc = json::parse(util::read_text(file));
    index.name = doc.value("name", "");
    index.spec = doc.value("spec", "");
    index.axis_keys = doc.value("axes", std::vector<std::string>{});
    for (const auto& c : doc.at("cells")) {
      Cell cell;
      cell.index = c.at("index").get<std::size_t>();
      cell.id = c.at("id").get<std::string>();
      cell.name = c.value("name", "");
      cell.epochs = c.value("epochs", 0);
      if (c.contains("ground_truth")) {
        const json& gt = c.at("ground_truth");
        cell.ground_truth_trainings = gt.value("trainings", std::int64_t{0});
        cell.ground_truth_epochs = gt.value("epochs", 0);
        cell.ground_truth_cache = gt.value("cache", "");
      }
      for (const auto& a : c.at("axes"))
        cell.axes.push_back({a.at("key").get<std::string>(), a.at("value").get<std::string>(), {}});
      index.cells.push_back(std::move(cell));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: unreadable: {}", file.string(), e.what()));
  }
  return index;
}

void prepare_results(const fs::path& results_dir, const ResolvedMatrix& matrix) {
  // Check every cell before writing any: a refusal leaves the folder as it was.
  for (const auto& rc : matrix.cells) {
    const fs::path dir = results_dir / rc.cell.id;
    const fs::path spec_file = dir / kCellSpecFile;
    if (!fs::exists(spec_file) || RunDirectory::read_state(dir) == RunState::Absent) continue;
    if (util::read_text(spec_file) != rc.yaml)
      throw std::runtime_error(fmt::format(
          "cell '{}' ({}) already ran with a different spec than the matrix gives it now; the results would mix two "
          "experiments. Use another results folder (--out), or delete {} to rerun that cell",
          rc.cell.name, rc.cell.id, dir.string()));
  }
  fs::create_directories(results_dir);
  MatrixIndex index;
  index.name = matrix.cells.empty() ? "" : matrix.cells.front().spec.name;
  index.spec = matrix.file;
  index.axis_keys = matrix.definition.axis_keys;
  for (const auto& rc : matrix.cells) {
    index.cells.push_back(rc.cell);
    const fs::path dir = results_dir / rc.cell.id;
    fs::create_directories(dir);
    if (!fs::exists(dir / kCellSpecFile) || util::read_text(dir / kCellSpecFile) != rc.yaml)
      write_file_atomic(dir / kCellSpecFile, rc.yaml);
  }
  write_file_atomic(results_dir / kMatrixFile, matrix_json(index));
}

}  // namespace spbench::matrix
