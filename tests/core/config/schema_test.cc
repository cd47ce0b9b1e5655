#include "core/config/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

namespace fb::config {
namespace {

using ::testing::HasSubstr;

struct DataSection {
  int horizon{};
  double noise{};
  std::string source;
  std::vector<double> sigmas;
  template <class V>
  void Describe(V& v) {
    v("horizon", horizon, Range{1, 1000});
    v("noise", noise, AtLeast<double>{0.0});
    v("source", source, OneOf{"synthetic", "npy", "hdf5"});
    v("sigmas", sigmas);
  }
};

struct Item {
  std::string name;
  int size{};
  std::string note = "none";
  template <class V>
  void Describe(V& v) {
    v("name", name, NonEmpty{});
    v("size", size, Positive{});
    v("note", note, Optional{});
  }
};

struct TestConfig {
  int64_t seed{};
  bool verbose{};
  DataSection data;
  std::vector<Item> items;
  Subtree extra;
  int lo{};
  int hi{};
  template <class V>
  void Describe(V& v) {
    v("seed", seed);
    v("verbose", verbose);
    v("data", data);
    v("items", items);
    v("extra", extra);
    v("lo", lo);
    v("hi", hi);
  }
  void Validate() const {
    if (lo > hi) throw InputError("lo (" + std::to_string(lo) + ") must be <= hi (" + std::to_string(hi) + ")");
  }
};

constexpr const char* kDefaults = R"(seed: 7
verbose: false
data:
  horizon: 20
  noise: 0.5
  source: synthetic
  sigmas: [0.01, 0.001]
items:
  - {name: a, size: 1}
  - {name: b, size: 2}
extra: {noise: 0.25}
lo: 0
hi: 10
)";

Document Doc(const std::string& text, const std::string& origin = "test.yaml") {
  return Document{YAML::Load(text), origin, true};
}

TestConfig Defaults() {
  TestConfig config;
  Apply(Doc(kDefaults, "defaults.yaml"), config, /*complete=*/true);
  return config;
}

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ConfigSchemaTest, DefaultsLayerFillsEveryField) {
  const TestConfig config = Defaults();
  EXPECT_EQ(config.seed, 7);
  EXPECT_EQ(config.data.horizon, 20);
  EXPECT_EQ(config.data.source, "synthetic");
  ASSERT_EQ(config.items.size(), 2u);
  EXPECT_EQ(config.items[1].name, "b");
  EXPECT_EQ(config.data.sigmas, (std::vector<double>{0.01, 0.001}));
}

TEST(ConfigSchemaTest, PartialLayerChangesOnlyNamedKeys) {
  TestConfig config = Defaults();
  Apply(Doc("data:\n  horizon: 50\n"), config);
  EXPECT_EQ(config.data.horizon, 50);
  EXPECT_EQ(config.data.source, "synthetic");
  EXPECT_EQ(config.seed, 7);
}

TEST(ConfigSchemaTest, CompleteLayerRejectsMissingKey) {
  TestConfig config;
  EXPECT_THAT(ErrorOf([&] { Apply(Doc("seed: 1\n", "defaults.yaml"), config, true); }),
              HasSubstr("verbose: missing key"));
}

TEST(ConfigSchemaTest, MisspelledKeyNamesLineColumnPathAndSuggestion) {
  TestConfig config = Defaults();
  const std::string error = ErrorOf([&] { Apply(Doc("seed: 1\ndata:\n  horizn: 5\n", "run.yaml"), config); });
  EXPECT_EQ(error, "run.yaml:3:3: data.horizn: unknown key; did you mean 'horizon'?");
}

TEST(ConfigSchemaTest, UnknownKeyWithoutNearMatchListsValidKeys) {
  TestConfig config = Defaults();
  const std::string error = ErrorOf([&] { Apply(Doc("zzzzzzzz: 1\n", "run.yaml"), config); });
  EXPECT_THAT(error, HasSubstr("run.yaml:1:1: zzzzzzzz: unknown key (valid keys: seed verbose data"));
}

TEST(ConfigSchemaTest, WrongTypeNamesLineColumnPathAndValue) {
  TestConfig config = Defaults();
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data:\n  horizon: twenty\n", "run.yaml"), config); }),
            "run.yaml:2:12: data.horizon: expected an integer, got 'twenty'");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("verbose: 3\n", "run.yaml"), config); }),
            "run.yaml:1:10: verbose: expected true or false, got '3'");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data: [1, 2]\n", "run.yaml"), config); }),
            "run.yaml:1:7: data: expected a mapping of keys to values");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data:\n  sigmas: 0.1\n", "run.yaml"), config); }),
            "run.yaml:2:11: data.sigmas: expected a list");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data:\n  horizon: 2.5\n", "run.yaml"), config); }),
            "run.yaml:2:12: data.horizon: expected an integer, got '2.5'");
}

TEST(ConfigSchemaTest, OutOfRangeValueNamesLineColumnPathAndBounds) {
  TestConfig config = Defaults();
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data:\n  horizon: 0\n", "run.yaml"), config); }),
            "run.yaml:2:12: data.horizon: value 0 is out of range [1, 1000]");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("data:\n  noise: -1\n", "run.yaml"), config); }),
            "run.yaml:2:10: data.noise: value -1 must be >= 0");
}

TEST(ConfigSchemaTest, ChoiceSuggestsNearestValue) {
  TestConfig config = Defaults();
  EXPECT_THAT(ErrorOf([&] { Apply(Doc("data:\n  source: hdf6\n", "run.yaml"), config); }),
              HasSubstr("run.yaml:2:11: data.source: unknown value 'hdf6'; did you mean 'hdf5'?"));
}

TEST(ConfigSchemaTest, ListElementErrorsNameTheIndex) {
  TestConfig config = Defaults();
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("items:\n  - {name: x, size: 0}\n", "run.yaml"), config); }),
            "run.yaml:2:21: items[0].size: value 0 must be > 0");
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("items:\n  - {name: x, sise: 1}\n", "run.yaml"), config); }),
            "run.yaml:2:15: items[0].sise: unknown key; did you mean 'size'?");
}

TEST(ConfigSchemaTest, ListElementsMustBeCompleteExceptOptionalKeys) {
  TestConfig config = Defaults();
  EXPECT_EQ(ErrorOf([&] { Apply(Doc("items:\n  - {name: x}\n", "run.yaml"), config); }),
            "run.yaml:2:5: items[0].size: missing key");
  Apply(Doc("items:\n  - {name: x, size: 3}\n", "run.yaml"), config);
  ASSERT_EQ(config.items.size(), 1u);
  EXPECT_EQ(config.items[0].note, "none");
}

TEST(ConfigSchemaTest, AssignmentOverridesUseTheSameValidation) {
  TestConfig config = Defaults();
  Apply(FromAssignment("data.horizon=30"), config);
  Apply(FromAssignment("items.1.size=9"), config);
  Apply(FromAssignment("data.sigmas=[0.5, 0.25]"), config);
  EXPECT_EQ(config.data.horizon, 30);
  EXPECT_EQ(config.items[1].size, 9);
  EXPECT_EQ(config.data.sigmas, (std::vector<double>{0.5, 0.25}));

  EXPECT_EQ(ErrorOf([&] { Apply(FromAssignment("data.horizon=-3"), config); }),
            "--set data.horizon=-3: data.horizon: value -3 is out of range [1, 1000]");
  EXPECT_EQ(ErrorOf([&] { Apply(FromAssignment("data.horizn=3"), config); }),
            "--set data.horizn=3: data.horizn: unknown key; did you mean 'horizon'?");
  EXPECT_THAT(ErrorOf([&] { Apply(FromAssignment("items.5.size=1"), config); }),
              HasSubstr("items: no list element '5' (the list has 2 elements"));
  EXPECT_THAT(ErrorOf([] { FromAssignment("horizon"); }), HasSubstr("expected KEY.PATH=VALUE"));
  EXPECT_THAT(ErrorOf([] { FromAssignment("a..b=1"); }), HasSubstr("empty segment"));
}

TEST(ConfigSchemaTest, ValidateChecksCrossFieldInvariantsQuotingBothValues) {
  TestConfig config = Defaults();
  Apply(FromAssignment("lo=11"), config);
  EXPECT_EQ(ErrorOf([&] { Validate(config); }), "lo (11) must be <= hi (10)");
}

TEST(ConfigSchemaTest, SubtreeKeepsOriginForLaterTypedApply) {
  TestConfig config = Defaults();
  Apply(Doc("extra:\n  horizon: 99\n  source: npy\n  noise: x\n", "run.yaml"), config);
  DataSection section = Defaults().data;
  EXPECT_EQ(ErrorOf([&] { Apply(config.extra, section); }),
            "run.yaml:4:10: extra.noise: expected a number, got 'x'");
}

TEST(ConfigSchemaTest, SubtreeLayersAccumulateAcrossOverrides) {
  TestConfig config = Defaults();
  Apply(FromAssignment("extra.horizon=7"), config);
  Apply(FromAssignment("extra.source=npy"), config);
  DataSection section = Defaults().data;
  Apply(config.extra, section);
  EXPECT_EQ(section.horizon, 7);
  EXPECT_EQ(section.source, "npy");
  const YAML::Node merged = config.extra.Merged();
  EXPECT_EQ(merged["noise"].as<double>(), 0.25);  // from the defaults layer
  EXPECT_EQ(section.noise, 0.25);
  EXPECT_EQ(merged["horizon"].as<int>(), 7);
  EXPECT_EQ(merged["source"].as<std::string>(), "npy");
  EXPECT_EQ(ErrorOf([&] { Apply(FromAssignment("extra.horizon=0"), config), Apply(config.extra, section); }),
            "--set extra.horizon=0: extra.horizon: value 0 is out of range [1, 1000]");
}

TEST(ConfigSchemaTest, DumpRoundTripsAndHashIsStable) {
  const TestConfig config = Defaults();
  const std::string dumped = Dump(config);
  TestConfig reloaded;
  Apply(Doc(dumped), reloaded, /*complete=*/true);
  EXPECT_EQ(Dump(reloaded), dumped);
  EXPECT_EQ(HashText(dumped), HashText(Dump(reloaded)));
  TestConfig changed = config;
  changed.data.horizon = 21;
  EXPECT_NE(HashText(Dump(changed)), HashText(dumped));
  EXPECT_EQ(HashText("").substr(0, 8), "fnv1a64:");
}

TEST(ConfigSchemaTest, SyntaxErrorNamesFileLineColumn) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "broken.yaml";
  std::ofstream(path) << "a: [1, 2\nb: 3\n";
  EXPECT_THAT(ErrorOf([&] { LoadFile(path); }), HasSubstr(path.string() + ":"));
  EXPECT_THAT(ErrorOf([&] { LoadFile(path); }), HasSubstr("YAML syntax error"));
  EXPECT_THAT(ErrorOf([] { LoadFile("/nonexistent/run.yaml"); }),
              HasSubstr("cannot read config file '/nonexistent/run.yaml'"));
}

}  // namespace
}  // namespace fb::config
