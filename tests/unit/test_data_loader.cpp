// Batches: order, augmentation, normalisation and resume determinism.

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include "catch.hpp"

#include <algorithm>
#include <numeric>

#include "spbench/engine/data/augment.hpp"
#include "spbench/engine/data/error.hpp"
#include "spbench/engine/data/load.hpp"
#include "spbench/engine/data/loader.hpp"
#include "test_paths.hpp"

using namespace spbench::data;

namespace {

// Images whose pixels are all distinct within an image and non-zero (so a
// padded zero is never mistaken for a pixel): value = 1 + (c*H*W + y*W + x) % 250.
ImageDataset patterned(std::int64_t n, std::int64_t c = 3, std::int64_t side = 8) {
  ImageDataset d;
  d.name = "patterned";
  d.num_classes = 10;
  auto base = at::arange(c * side * side, at::kLong).remainder(250).add(1);
  d.images = base.view({1, c, side, side}).repeat({n, 1, 1, 1});
  // Make images distinguishable: add the image index to every pixel of channel 0.
  d.images.select(1, 0).add_(at::arange(n, at::kLong).view({n, 1, 1}));
  d.images = d.images.remainder(256).to(at::kByte).contiguous();
  d.labels = at::arange(n, at::kLong).remainder(10);
  d.mean = std::vector<float>(c, 0.0f);
  d.std = std::vector<float>(c, 1.0f);
  return d;
}

// Reference: pad with zeros, cut the window, mirror: all with tensor ops.
at::Tensor reference_crop_flip(const at::Tensor& img, CropFlip t, int padding) {
  auto padded = at::constant_pad_nd(img.to(at::kFloat), {padding, padding, padding, padding}, 0);
  const auto h = img.size(-2), w = img.size(-1);
  auto crop = padded.slice(-2, t.dy, t.dy + h).slice(-1, t.dx, t.dx + w);
  return t.flip ? crop.flip({-1}) : crop;
}

bool same_batch(const spbench::Batch& a, const spbench::Batch& b) {
  return at::equal(a.images, b.images) && at::equal(a.labels, b.labels);
}

}  // namespace

TEST_CASE("Every crop offset and flip matches zero padding, cropping and mirroring done by hand") {
  const auto d = patterned(2);
  const int padding = 4;
  std::vector<CropFlip> transforms;
  for (int dy = 0; dy <= 2 * padding; ++dy)
    for (int dx = 0; dx <= 2 * padding; ++dx)
      for (bool flip : {false, true}) transforms.push_back({dy, dx, flip});
  std::vector<std::int64_t> indices(transforms.size());
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<std::int64_t>(i % 2);
  const auto out = gather_augment_normalize(d.images, indices, transforms, padding, d.mean, d.std);
  REQUIRE(out.sizes() == at::IntArrayRef({static_cast<std::int64_t>(transforms.size()), 3, 8, 8}));
  for (std::size_t i = 0; i < transforms.size(); ++i) {
    const auto t = transforms[i];
    INFO("dy " << t.dy << " dx " << t.dx << " flip " << t.flip);
    const auto expected = reference_crop_flip(d.images[indices[i]], t, padding).div(255.0);
    REQUIRE(at::allclose(out[static_cast<std::int64_t>(i)], expected, 0, 1e-6));
  }
}

TEST_CASE("A crop keeps the shifted pixels and fills the padded border with zero") {
  const auto d = patterned(1, 1, 8);
  // dy = 1: the window starts 3 rows above the image, so rows 0-2 are padding.
  // dx = 6: the window starts 2 columns right of it, so columns 6-7 are padding.
  const auto out = gather_augment_normalize(d.images, {0}, {{1, 6, false}}, 4, {0.0f}, {1.0f / 255});
  const auto o = out[0][0];
  const auto src = d.images[0][0].to(at::kFloat);
  CHECK(at::equal(o.slice(0, 0, 3), at::zeros({3, 8})));
  CHECK(at::equal(o.slice(1, 6, 8), at::zeros({8, 2})));
  CHECK(at::equal(o.slice(0, 3, 8).slice(1, 0, 6), src.slice(0, 0, 5).slice(1, 2, 8)));
  // The centre offset without flip is the identity.
  const auto same = gather_augment_normalize(d.images, {0}, {{4, 4, false}}, 4, {0.0f}, {1.0f / 255});
  CHECK(at::equal(same[0][0], src));
  const auto mirrored = gather_augment_normalize(d.images, {0}, {{4, 4, true}}, 4, {0.0f}, {1.0f / 255});
  CHECK(at::equal(mirrored[0][0], src.flip({1})));
}

TEST_CASE("Normalisation maps x to (x/255 - mean)/std per channel") {
  ImageDataset d;
  d.images = at::empty({1, 2, 1, 3}, at::kByte);
  auto a = d.images.accessor<std::uint8_t, 4>();
  const std::uint8_t values[2][3] = {{0, 51, 255}, {102, 204, 153}};
  for (int c = 0; c < 2; ++c)
    for (int x = 0; x < 3; ++x) a[0][c][0][x] = values[c][x];
  const std::vector<float> mean = {0.5f, 0.25f}, std = {0.25f, 0.5f};
  const auto out = gather_augment_normalize(d.images, {0}, {}, 0, mean, std);
  for (int c = 0; c < 2; ++c)
    for (int x = 0; x < 3; ++x)
      CHECK(out[0][c][0][x].item<float>() ==
            Approx((values[c][x] / 255.0 - mean[c]) / std[c]).margin(1e-5));
}

TEST_CASE("Normalised CIFAR-10 test batches have about zero mean and unit spread per channel") {
  DataSpec spec;
  spec.split = "cifar10";
  auto splits = load_data(spec, spbench::test::data_root());
  BatchLoader loader(splits.valid, eval_loader_options(1000));
  at::Tensor all = at::cat(std::vector<at::Tensor>{loader.batch(0, 0).images, loader.batch(0, 1).images,
                                                    loader.batch(0, 2).images});
  for (int c = 0; c < 3; ++c) {
    const auto ch = all.select(1, c);
    CHECK(ch.mean().item<double>() == Approx(0.0).margin(0.05));
    // JPEG smoothing makes this data's spread a little below the constants'.
    CHECK(ch.std().item<double>() == Approx(1.0).margin(0.1));
  }
}

TEST_CASE("Evaluation batches keep data order, no augmentation, and a short last batch") {
  const auto d = patterned(10);
  BatchLoader loader(d, eval_loader_options(4));
  REQUIRE(loader.num_batches() == 3);
  std::vector<std::int64_t> labels;
  std::int64_t batches = 0;
  for (const auto& b : loader.epoch(5)) {
    ++batches;
    for (std::int64_t i = 0; i < b.labels.size(0); ++i) labels.push_back(b.labels[i].item<std::int64_t>());
  }
  CHECK(batches == 3);
  CHECK(labels == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  const auto last = loader.batch(0, 2);
  CHECK(last.images.sizes() == at::IntArrayRef({2, 3, 8, 8}));
  CHECK(at::allclose(last.images, d.images.slice(0, 8, 10).to(at::kFloat).div(255.0)));
  CHECK(last.images.scalar_type() == at::kFloat);
  CHECK(last.labels.scalar_type() == at::kLong);

  auto options = eval_loader_options(4);
  options.drop_last = true;
  BatchLoader dropping(d, options);
  CHECK(dropping.num_batches() == 2);
  CHECK_THROWS_AS(dropping.batch(0, 2), DataError);
}

TEST_CASE("Shuffled epochs are permutations that change with the epoch and the seed") {
  const auto d = patterned(200);
  BatchLoader a(d, train_loader_options(32, 1)), b(d, train_loader_options(32, 2));
  auto order = a.epoch_order(0);
  auto sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> identity(200);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted == identity);
  CHECK(order != identity);
  CHECK(a.epoch_order(1) != order);
  CHECK(b.epoch_order(0) != order);
  CHECK(BatchLoader(d, train_loader_options(64, 1)).epoch_order(0) == order);
}

TEST_CASE("Augmented batches repeat for the same seed, epoch and batch and differ for another seed") {
  const auto d = patterned(64, 3, 32);
  BatchLoader a(d, train_loader_options(16, 7)), again(d, train_loader_options(16, 7)),
      other(d, train_loader_options(16, 8));
  const auto b = a.batch(2, 1);
  CHECK(same_batch(b, again.batch(2, 1)));
  CHECK_FALSE(same_batch(b, other.batch(2, 1)));
  CHECK_FALSE(same_batch(b, a.batch(3, 1)));
  // The same batch with augmentation switched off holds the same images
  // (same labels) but different pixels: augmentation really happened.
  auto plain_options = train_loader_options(16, 7);
  plain_options.augment = false;
  BatchLoader plain(d, plain_options);
  const auto p = plain.batch(2, 1);
  CHECK(at::equal(p.labels, b.labels));
  CHECK_FALSE(at::equal(p.images, b.images));
}

TEST_CASE("Augmentation does not depend on the number of threads") {
  const auto d = patterned(256, 3, 32);
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  BatchLoader one(d, train_loader_options(256, 3));
  const auto single = one.batch(0, 0);
  at::set_num_threads(2);
  BatchLoader two(d, train_loader_options(256, 3));
  const auto dual = two.batch(0, 0);
  at::set_num_threads(before);
  CHECK(same_batch(single, dual));
}

TEST_CASE("Batches of epoch 3 are the same whether or not epochs 0-2 were iterated") {
  const auto d = patterned(100, 3, 16);
  BatchLoader uninterrupted(d, train_loader_options(32, 11));
  std::vector<spbench::Batch> expected;
  for (std::int64_t e = 0; e < 4; ++e)
    for (const auto& b : uninterrupted.epoch(e))
      if (e == 3) expected.push_back(b);
  BatchLoader resumed(d, train_loader_options(32, 11));
  std::vector<spbench::Batch> got;
  for (const auto& b : resumed.epoch(3)) got.push_back(b);
  REQUIRE(got.size() == expected.size());
  REQUIRE(got.size() == 4);
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(same_batch(got[i], expected[i]));
}

TEST_CASE("Channels-last batches hold the same values in the other layout") {
  const auto d = patterned(8, 3, 8);
  auto options = train_loader_options(8, 5);
  options.memory_format = at::MemoryFormat::ChannelsLast;
  const auto cl = BatchLoader(d, options).batch(0, 0);
  const auto nchw = BatchLoader(d, train_loader_options(8, 5)).batch(0, 0);
  CHECK(cl.images.is_contiguous(at::MemoryFormat::ChannelsLast));
  CHECK(at::equal(cl.images, nchw.images));
}

TEST_CASE("A data set without normalisation statistics for every channel is refused") {
  auto d = patterned(4);
  d.mean = {0.5f};
  CHECK_THROWS_AS(BatchLoader(d, eval_loader_options(2)), DataError);
  d.mean = {0.5f, 0.5f, 0.5f};
  CHECK_THROWS_AS(BatchLoader(d, eval_loader_options(0)), DataError);
}
