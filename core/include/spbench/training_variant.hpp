#pragma once
// TrainingVariant: a training modifier (regulariser, schedule change,
// evaluation change). A spec lists variants in order; every hook is called on
// every variant in that order. All hooks have do-nothing defaults, so a
// variant overrides only what it changes.
//
// When the core calls each hook, and what it may change:
//   configure(setup)           once, before networks/optimizer exist: may change
//                              anything in RunSetup (BN options, dropout,
//                              drop-path, weight decay and its groups,
//                              warm-up, gradient clipping, topology sharing).
//   on_train_begin(ctx)        once, after networks and optimizer exist (and
//                              after a resume restored state).
//   on_epoch_begin(ctx)        at the start of each epoch.
//   transform_batch(b, ctx)    each training batch, after augmentation and
//                              before the forward pass: may replace images,
//                              labels, soft targets (cutout, mixup, label
//                              smoothing). Same batch for all paths of a step.
//   learning_rate(lr, ctx)     before each optimizer step: returns the rate
//                              to use (warm-up multiplies the cosine rate).
//   loss(l, logits, b, ctx)    after each forward pass: returns the loss to
//                              back-propagate (default: l unchanged).
//   before_optimizer_step(ctx) after all paths of a step are back-propagated,
//                              before the update: may edit gradients (clip).
//   after_optimizer_step(ctx)  after the update (EMA of the weights).
//   on_epoch_end(ctx)          after the epoch's last step, before the checkpoint.
//   before_evaluation(ctx) / after_evaluation(ctx)
//                              around scoring architectures with a network:
//                              may swap weights (EMA) and must restore them.

#include <ATen/core/Tensor.h>

#include "spbench/batch.hpp"
#include "spbench/plugin_object.hpp"
#include "spbench/run_setup.hpp"
#include "spbench/training_context.hpp"

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
