#pragma once
// TrainingVariant: a training modifier (regulariser, schedule change,
// evaluation change). A spec lists variants in order; every hook is called on
// every variant in that order. All hooks have do-nothing defaults, so a
// variant overrides only what it changes.
//
// When the core calls each hook, and what it may change (the order is
// recorded by a test, test_plugin_contract.cpp):
//   configure(setup)           once, before networks/optimizer exist: may change
//                              anything in RunSetup (BN options, dropout,
//                              drop-path, weight decay and its groups,
//                              warm-up, gradient clipping, topology sharing).
//   on_train_begin(ctx)        once per Trainer::train() call, after the
//                              networks exist and a resume restored every
//                              state (load_state), before the first phase
//                              starts: ctx.networks is set, ctx.model and
//                              ctx.parameters are null (no optimizer yet).
//   on_epoch_begin(ctx)        at the start of each epoch.
//   per optimizer step:
//     transform_batch(b, ctx)  after augmentation and before the forward
//                              pass: may replace images, labels, soft targets
//                              (cutout, mixup, label smoothing). Same batch for
//                              all paths of a step.
//     loss(l, logits, b, ctx)  after each forward pass (once per path):
//                              returns the loss to back-propagate (default: l).
//     learning_rate(lr, ctx)   after all paths are back-propagated: returns
//                              the rate to use (warm-up multiplies the cosine
//                              rate); variants chain in list order.
//     before_optimizer_step(ctx) before the update: may edit gradients (clip).
//     after_optimizer_step(ctx)  after the update (EMA of the weights).
//   A step whose loss is not finite and is skipped ends after loss().
//   on_epoch_end(ctx)          after the epoch's last step, before the checkpoint.
//   before_evaluation(ctx) / after_evaluation(ctx)
//                              around scoring architectures with a network:
//                              may swap weights (EMA) and must restore them in
//                              after_evaluation, which the core calls (in list
//                              order) for every variant whose
//                              before_evaluation returned, also when scoring
//                              ends with an exception.
// See training_context.hpp for what ctx holds in each hook.

#include <ATen/core/Tensor.h>

#include "spbench/sdk/batch.hpp"
#include "spbench/sdk/plugin_object.hpp"
#include "spbench/sdk/run_setup.hpp"
#include "spbench/sdk/training_context.hpp"

namespace spbench {

class TrainingVariant : public PluginObject {
 public:
  virtual void configure(RunSetup& /*setup*/) {}
  virtual void on_train_begin(TrainingContext& /*ctx*/) {}
  virtual void on_epoch_begin(TrainingContext& /*ctx*/) {}
  virtual void transform_batch(Batch& /*batch*/, TrainingContext& /*ctx*/) {}
  virtual double learning_rate(double lr, const TrainingContext& /*ctx*/) { return lr; }
  virtual at::Tensor loss(const at::Tensor& loss, const at::Tensor& /*logits*/, const Batch& /*batch*/,
                          TrainingContext& /*ctx*/) {
    return loss;
  }
  virtual void before_optimizer_step(TrainingContext& /*ctx*/) {}
  virtual void after_optimizer_step(TrainingContext& /*ctx*/) {}
  virtual void on_epoch_end(TrainingContext& /*ctx*/) {}
  virtual void before_evaluation(EvaluationContext& /*ctx*/) {}
  virtual void after_evaluation(EvaluationContext& /*ctx*/) {}
};

}  // namespace spbench
