// The utility module (spbench/util/*) and the table of data sets.

#include "catch.hpp"

#include <fstream>

#include "spbench/engine/data/datasets.hpp"
#include "spbench/engine/spec/settings.hpp"
#include "spbench/util/hash.hpp"
#include "spbench/util/read_file.hpp"
#include "spbench/util/shell_quote.hpp"
#include "spbench/util/yaml_quoting.hpp"
#include "test_paths.hpp"

using namespace spbench;

TEST_CASE("fnv1a64 is FNV-1a 64 with the published test vectors") {
  CHECK(util::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(util::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(util::fnv1a64("foobar") == 0x85944171f73967e8ULL);
  CHECK(util::fnv1a64_hex("a") == "af63dc4c8601ec8c");
  CHECK(util::fnv1a64_hex("").size() == 16);
}

TEST_CASE("shell_quote gives text the shell reads back unchanged") {
  CHECK(util::shell_quote("plain") == "'plain'");
  CHECK(util::shell_quote("") == "''");
  CHECK(util::shell_quote("it's a $HOME") == "'it'\\''s a $HOME'");
}

TEST_CASE("read_text reads a file's bytes, and nothing for a missing file") {
  const auto dir = test::scratch_dir("util-read-text");
  std::ofstream(dir / "f.txt", std::ios::binary) << "a\r\nb";
  CHECK(util::read_text(dir / "f.txt") == "a\r\nb");
  CHECK(util::read_text(dir / "missing.txt").empty());
}

TEST_CASE("yaml_double_quoted escapes quotes, backslashes, newlines and tabs") {
  CHECK(util::yaml_double_quoted("a\"b\\c\nd\te") == "\"a\\\"b\\\\c\\nd\\te\"");
}

TEST_CASE("The data set table: the readable sets, their shapes, and NAS-Bench-201's") {
  CHECK(readable_dataset_names() == std::vector<std::string>{"cifar10", "cifar100", "mnist", "fashion-mnist"});
  CHECK(readable_dataset_list() == "cifar10, cifar100, mnist or fashion-mnist");
  CHECK(nas_bench_201_dataset_names() == std::vector<std::string>{"cifar10", "cifar100", "imagenet16"});
  REQUIRE(find_dataset("fashion-mnist"));
  CHECK(find_dataset("fashion-mnist")->channels == 1);
  CHECK(find_dataset("fashion-mnist")->image_size == 28);
  CHECK(find_dataset("cifar100")->classes == 100);
  CHECK(find_dataset("imagenet16")->classes == 120);
  CHECK_FALSE(find_dataset("imagenet16")->readable);
  CHECK(find_dataset("svhn") == nullptr);
  for (const auto& d : known_datasets())
    if (d.readable) CHECK(d.mean.size() == static_cast<std::size_t>(d.channels));
}

TEST_CASE("The spec's Dataset enum spells exactly the table's readable data sets, in its order") {
  const std::vector<std::string> table = readable_dataset_names();
  const std::vector<Dataset> all = {Dataset::Cifar10, Dataset::Cifar100, Dataset::Mnist, Dataset::FashionMnist};
  REQUIRE(all.size() == table.size());
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(std::string(setting_name(all[i])) == table[i]);
}
