#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include "core/config/document.h"
#include "core/error.h"
#include "envs/env.h"
#include "envs/renderer.h"
#include "policies/registry.h"
#include "tests/support/child_process.h"

namespace fb::policies {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

config::Subtree Params(const std::string& yaml) {
  config::Subtree params;
  const config::Document doc = config::FromAssignment("params=" + yaml);
  params.layers.push_back({doc.root["params"], doc, "policy.params"});
  return params;
}

// A module written here the way torch.jit.save writes one from Python: its actions are
// functions of every input, so the test sees that each arrives intact.
fs::path SaveModule(const fs::path& dir, const std::string& body) {
  torch::jit::Module module("Probe");
  module.define("def forward(self, agentview: Tensor, wrist: Tensor, proprio: Tensor, instruction: str) -> Tensor:\n" +
                body);
  const fs::path path = dir / "probe.pt";
  module.save(path.string());
  return path;
}

class TorchScriptPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    envs::Reset(*spec_, id_, state_);
  }
  envs::Observation Observe(const Policy& policy) {
    return envs::Observe(*spec_, state_, policy.observation_options(), &renderer_);
  }
  std::unique_ptr<const envs::EnvSpec> spec_ = envs::EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  envs::EpisodeId id_{"spatial", "spatial_red_block_on_plate", "id", "panda", 0, 0};
  envs::EpisodeState state_;
  envs::Renderer renderer_;
};

TEST_F(TorchScriptPolicyTest, AModuleSavedElsewhereActsOnTheObservation) {
  const fs::path dir = fb::testing::FreshDir("torchscript_policy");
  const auto path = SaveModule(dir,
                               "    row = torch.zeros(1, 7)\n"
                               "    row[0, 0] = agentview.float().mean()\n"
                               "    row[0, 1] = wrist.float().mean()\n"
                               "    row[0, 2] = proprio[0, 0]\n"
                               "    row[0, 3] = float(len(instruction))\n"
                               "    row[0, 4] = float(agentview.size(1))\n"
                               "    return row.repeat(5, 1)\n");
  auto policy = CreatePolicy("torchscript", Params("{path: " + path.string() + ", image_size: 32}"));
  policy->Attach(*spec_, state_);
  policy->Reset(id_);
  const auto observation = Observe(*policy);
  const ActionChunk chunk = policy->Act(observation);
  ASSERT_EQ(chunk.steps, 5);
  ASSERT_EQ(chunk.action_dim, 7);
  double mean = 0;
  for (const uint8_t v : observation.agentview.pixels) mean += v;
  mean /= static_cast<double>(observation.agentview.pixels.size());
  EXPECT_NEAR(chunk.actions[0], mean, 1e-3);
  EXPECT_NEAR(chunk.actions[2], observation.proprio.eef_pos[0], 1e-6);
  EXPECT_EQ(chunk.actions[3], static_cast<double>(observation.instruction.size()));
  EXPECT_EQ(chunk.actions[4], 32.0);
  EXPECT_EQ(chunk.actions[7 * 4 + 3], chunk.actions[3]);
}

TEST_F(TorchScriptPolicyTest, WrongOutputShapeOrFileIsAClearError) {
  const fs::path dir = fb::testing::FreshDir("torchscript_policy_bad");
  const auto path = SaveModule(dir, "    return torch.zeros(5, 3)\n");
  auto policy = CreatePolicy("torchscript", Params("{path: " + path.string() + ", image_size: 16}"));
  policy->Attach(*spec_, state_);
  policy->Reset(id_);
  try {
    policy->Act(Observe(*policy));
    FAIL() << "a (5 x 3) output was accepted for 7-D actions";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("[5, 3]"));
  }
  try {
    CreatePolicy("torchscript", Params("{path: " + (dir / "missing.pt").string() + "}"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.pt"));
  }
}

}  // namespace
}  // namespace fb::policies
