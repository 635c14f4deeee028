#include "spbench/engine/spec/settings.hpp"

// The spellings are those of the schema's choices (spec/schema.cpp), in enum
// order; test_spec_schema.cpp checks that both agree.

namespace spbench {

std::string_view setting_name(Precision value) {
  switch (value) {
    case Precision::Fp32: return "fp32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16Amp: return "fp16-amp";
  }
  return "?";
}

std::string_view setting_name(Dataset value) {
  switch (value) {
    case Dataset::Cifar10: return "cifar10";
    case Dataset::Cifar100: return "cifar100";
    case Dataset::Mnist: return "mnist";
    case Dataset::FashionMnist: return "fashion-mnist";
  }
  return "?";
}

std::string_view setting_name(LrSchedule value) { return value == LrSchedule::Constant ? "constant" : "cosine"; }

std::string_view setting_name(NonfiniteLoss value) { return value == NonfiniteLoss::Skip ? "skip" : "stop"; }

std::string_view setting_name(ScheduleStep value) { return value == ScheduleStep::Epoch ? "epoch" : "step"; }

std::string_view setting_name(UnsampledGradients value) {
  return value == UnsampledGradients::None ? "none" : "zero";
}

std::string_view setting_name(GroundTruthSource value) {
  switch (value) {
    case GroundTruthSource::Csv: return "csv";
    case GroundTruthSource::StandAlone: return "stand-alone";
    case GroundTruthSource::None: return "none";
  }
  return "?";
}

std::string_view setting_name(GroundTruthJoin value) { return value == GroundTruthJoin::Index ? "index" : "arch"; }

}  // namespace spbench
