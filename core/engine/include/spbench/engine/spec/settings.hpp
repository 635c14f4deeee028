#pragma once
// The spec's enumerated settings. The parser turns their spelling into these
// values once (spec/schema.cpp declares the spellings); everything past the
// parser compares enums, and setting_name() gives the spelling back for
// output (the resolved spec, metrics.json, log lines).

#include <string_view>

namespace spbench {

enum class Precision { Fp32, Bf16, Fp16Amp };          // fp32 | bf16 | fp16-amp
enum class Dataset { Cifar10, Cifar100, Mnist, FashionMnist };  // cifar10 | cifar100 | mnist | fashion-mnist
enum class LrSchedule { Cosine, Constant };            // cosine | constant
enum class NonfiniteLoss { Stop, Skip };               // stop | skip
enum class ScheduleStep { Step, Epoch };              // step | epoch
enum class UnsampledGradients { Zero, None };         // zero | none
enum class GroundTruthSource { Csv, StandAlone, None };  // csv | stand-alone | none
enum class GroundTruthJoin { Arch, Index };            // arch | index

std::string_view setting_name(Precision value);
std::string_view setting_name(Dataset value);
std::string_view setting_name(LrSchedule value);
std::string_view setting_name(NonfiniteLoss value);
std::string_view setting_name(ScheduleStep value);
std::string_view setting_name(UnsampledGradients value);
std::string_view setting_name(GroundTruthSource value);
std::string_view setting_name(GroundTruthJoin value);

}  // namespace spbench
