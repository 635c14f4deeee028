// Sampler `op-biased`: single-path training like `uniform`, except that one
// operation is drawn `weight` times as often as each of the others on every
// edge that allows it. A knob for asking how much the ranking suffers when
// the super-network trains one operation more than the rest.

#include <spbench/sdk/plugin.hpp>

#include <array>
#include <optional>
#include <string>

namespace my_plugins::op_biased {

using namespace spbench;

// The operation named by `favour`. The registry has checked the name against
// the schema's choices, but a lookup that fails must still never be
// dereferenced: a schema whose choices drift from op_from_name() would be
// undefined behaviour instead of an error.
Op favoured_op(const std::string& name) {
  const std::optional<Op> op = op_from_name(name);
  if (!op) throw OptionError("favour", "'" + name + "' is not an operation");
  return *op;
}

class OpBiasedSampler final : public PathSampler {
 public:
  // Options arrive typed, with defaults filled in and checked against the
  // schema's types, ranges and choices; what the schema cannot express is
  // checked here and reported as an OptionError naming the option
  // (`spbench validate` shows it at the option's spec line).
  explicit OpBiasedSampler(const Options& options)
      : favour_(favoured_op(options.get_string("favour"))), weight_(options.get_float("weight")) {
  }

  // Checks that need the rest of the spec: favouring an operation the search
  // space excludes would silently be plain uniform sampling.
  void validate(const RunSetup& setup) const override {
    if (!setup.space.ops().contains(favour_))
      throw OptionError("favour", "favour: " + std::string(op_name(favour_)) + " is not in the search space");
  }

  // Once per training phase: a few-shot strategy's sub-super-network may fix
  // some edges, so the allowed operations are taken per edge.
  void begin(const SearchSpace& space, int cells) override {
    cells_ = cells;
    for (int e = 0; e < kNumEdges; ++e) {
      edges_[e].ops = space.edge_ops(e).members(&edges_[e].count);
      double total = 0.0;
      for (int i = 0; i < edges_[e].count; ++i) {
        total += edges_[e].ops[i] == favour_ ? weight_ : 1.0;
        edges_[e].cumulative[i] = total;
      }
    }
  }

  // One path per step, one architecture per cell (just one with topology
  // sharing). Only the run's generator is used, so runs are reproducible and
  // resumable without state of our own to checkpoint.
  std::vector<Path> next_step(Rng& rng) override {
    Path path;
    path.cells.resize(static_cast<std::size_t>(cells_));
    for (auto& cell : path.cells)
      for (int e = 0; e < kNumEdges; ++e) cell.ops[e] = draw(edges_[e], rng);
    return {path};
  }

 private:
  struct Edge {
    std::array<Op, kNumOps> ops{};
    std::array<double, kNumOps> cumulative{};
    int count = 0;
  };

  static Op draw(const Edge& edge, Rng& rng) {
    const double u = uniform_real(rng) * edge.cumulative[edge.count - 1];
    for (int i = 0; i + 1 < edge.count; ++i)
      if (u < edge.cumulative[i]) return edge.ops[i];
    return edge.ops[edge.count - 1];
  }

  Op favour_;
  double weight_;
  int cells_ = 1;
  std::array<Edge, kNumEdges> edges_{};
};

// The option schema: one builder per option (type, name, default as YAML,
// one line of documentation), then the allowed values of a string
// (kOpNameChoices: the space's operation names) or a bound on a number.
// `spbench plugins op-biased` prints exactly this; the spec validator
// enforces types, ranges and choices before the constructor runs.
const OptionSpec kOptions[] = {
    string_option("favour", "nor_conv_3x3",
        "the operation drawn more often")
        .with_choices(kOpNameChoices),
    float_option("weight", "2.0",
        "how many times as likely as each other operation (> 0; 1 = uniform)")
        .with_range("> 0"),
};

// The registration line: class, name (what specs write), the plugin's own
// version, a one-line description and the option schema. In a plugin library
// it puts the descriptor into the library's entry point; compiled with
// SPBENCH_PLUGIN_STATIC (the test's object library) it registers the plugin
// at start-up instead.
SPBENCH_SAMPLER(OpBiasedSampler, "op-biased", "0.1.0",
                "like uniform, but one operation is drawn `weight` times as often", kOptions)

}  // namespace my_plugins::op_biased
