// The regression gate dogfooded: each reference policy, evaluated now on the gate's fixed
// episodes (configs/ci_gate.yaml), must not regress against its committed baseline run.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PolicyGateTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PolicyGateTest, TheReferencePolicyDoesNotRegressAgainstItsBaseline) {
  const std::string policy = GetParam();
  const fs::path source = FB_SOURCE_DIR;
  const fs::path dir = fb::testing::FreshDir("policy_gate_" + policy);
  fs::create_directories(dir / "eval");
  fs::create_directories(dir / "compare");
  const auto eval = fb::testing::Run(
      FB_BINARY,
      {"--threads", "1", "eval", "--config", (source / "configs/ci_gate.yaml").string(), "--set",
       "policy.name=" + policy, "--set", "policy.params.checkpoint=" + (source / "assets/policies" / policy).string(),
       "--out", (dir / "candidate").string()},
      dir / "eval");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto compare = fb::testing::Run(
      FB_BINARY, {"compare", (source / "assets/baselines/ci" / policy).string(), (dir / "candidate").string()},
      dir / "compare");
  EXPECT_EQ(compare.exit_code, 0) << compare.out << compare.err;
  EXPECT_THAT(compare.out, HasSubstr("12 paired"));
}

INSTANTIATE_TEST_SUITE_P(ReferencePolicies, PolicyGateTest, ::testing::Values("fastervla", "fast_ar", "binning_ar"));

}  // namespace
