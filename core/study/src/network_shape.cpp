#include "spbench/study/network_shape.hpp"

#include "spbench/engine/data/datasets.hpp"

namespace spbench::evaluation {

NetworkShape network_shape_of(const ExperimentSpec& spec) {
  NetworkShape shape;
  shape.channels = spec.run.network.channels;
  shape.cells_per_stage = spec.run.network.cells_per_stage;
  shape.num_classes = dataset_num_classes(spec.data.dataset);
  shape.input_channels = dataset_input_channels(spec.data.dataset);
  const DatasetInfo* dataset = find_dataset(std::string(setting_name(spec.data.dataset)));
  shape.input_size = spec.data.resize > 0 ? spec.data.resize : (dataset ? dataset->image_size : 32);
  return shape;
}

}  // namespace spbench::evaluation
