// The state-observation track: object tokens instead of camera images.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "policies/registry.h"
#include "policies/vla/object_tokens.h"
#include "policies/vla/vla_checkpoint.h"
#include "policies/vla/vla_dataset.h"
#include "policies/vla/vla_trainer.h"
#include "tests/policies/vla/vla_test_data.h"
#include "tests/support/child_process.h"

namespace fb::policies {
namespace {
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

VlaTrainConfig StateConfig(const fs::path& demos, const fs::path& out) {
  auto config = testing::TinyTrainConfig("binning_ar", demos, out);
  config.model.observation = "state";
  config.model.max_objects = 3;
  config.model.proprio_orientation = "rotation_columns";  // the image-track tests cover axis_angle
  return config;
}

TEST(ObjectFeaturesTest, RotationColumnsOfAYawQuaternion) {
  const float half = 0.5f * 0.7f;  // yaw 0.7 rad about z
  const float raw[envs::kObjectStateValues] = {0.1f, -0.2f, 0.9f, std::cos(half), 0, 0, std::sin(half), 0.03f};
  const float eef[3] = {0.5f, 0.1f, 1.0f};
  float out[kObjectFeatures];
  ObjectFeatures(raw, eef, out);
  EXPECT_FLOAT_EQ(out[0], 0.1f);
  EXPECT_FLOAT_EQ(out[2], 0.9f);
  EXPECT_FLOAT_EQ(out[3], 0.1f - 0.5f);  // the way from the end effector to the object
  EXPECT_FLOAT_EQ(out[4], -0.2f - 0.1f);
  EXPECT_FLOAT_EQ(out[5], 0.9f - 1.0f);
  EXPECT_NEAR(out[6], std::cos(0.7f), 1e-6);   // x axis: (cos, sin, 0)
  EXPECT_NEAR(out[7], std::sin(0.7f), 1e-6);
  EXPECT_NEAR(out[8], 0.0f, 1e-6);
  EXPECT_NEAR(out[9], -std::sin(0.7f), 1e-6);  // y axis: (-sin, cos, 0)
  EXPECT_NEAR(out[10], std::cos(0.7f), 1e-6);
  EXPECT_FLOAT_EQ(out[12], 0.03f);
}

TEST(NameVocabTest, UnseenNamesAreUnknownAndIdsSkipTheReservedOnes) {
  const auto vocab = NameVocab::Build({"plate", "block", "block"});
  EXPECT_EQ(vocab.size(), 4);
  EXPECT_EQ(vocab.Id("block"), 2);
  EXPECT_EQ(vocab.Id("plate"), 3);
  EXPECT_EQ(vocab.Id("cylinder"), NameVocab::kUnknown);
  EXPECT_EQ(NameVocab::FromJson(vocab.ToJson(), "x").names(), vocab.names());
  EXPECT_THROW(NameVocab::FromJson(nlohmann::json::array({"a", "a"}), "x"), InputError);
}

// A state-track policy trains on demos without any camera frames, records its object
// vocabularies, asks the harness for no images and acts on a live observation's objects.
TEST(StateTrackTest, TrainsWithoutImagesAndActsOnTheObjectsOnTheTable) {
  const fs::path dir = fb::testing::FreshDir("vla_state_track");
  torch::set_num_threads(1);
  const auto demos = testing::WriteTinyDemos(dir / "demos", {.images = false});
  const VlaTrainReport report = TrainVla(StateConfig(demos, dir / "run"));
  EXPECT_LT(report.final_loss, 0.1);
  const VlaBundle bundle = LoadVlaPolicy(report.policy_dir);
  EXPECT_EQ(bundle.manifest.model.observation, "state");
  EXPECT_EQ(bundle.manifest.model.proprio_orientation, "rotation_columns");
  EXPECT_EQ(bundle.manifest.proprio_mean.size(), 3u + 6u + 2u) << "position, rotation columns, fingers";
  EXPECT_EQ(bundle.manifest.object_token_mean.size(), static_cast<size_t>(kObjectFeatures));
  EXPECT_THAT(bundle.manifest.object_kinds.names(), ElementsAre("block", "plate"));
  EXPECT_THAT(bundle.manifest.object_colours.names(), ElementsAre("red", "white"));

  auto policy = CreatePolicy("binning_ar", testing::CheckpointParams(report.policy_dir));
  EXPECT_FALSE(policy->observation_options().agentview);
  EXPECT_FALSE(policy->observation_options().wrist);

  const auto spec = envs::EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  envs::EpisodeState state;
  const envs::EpisodeId id{"spatial", "spatial_red_block_on_plate", "id", "panda", 0, 0};
  envs::Reset(*spec, id, state);
  policy->Attach(*spec, state);
  policy->Reset(id);
  auto observation = envs::Observe(*spec, state, policy->observation_options(), nullptr);
  ASSERT_EQ(observation.objects.size(), 4u);  // more than the policy has tokens for
  try {
    policy->Act(observation);
    FAIL() << "4 objects fit 3 object tokens";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.max_objects"));
  }
  observation.objects.resize(3);
  const ActionChunk chunk = policy->Act(observation);
  EXPECT_EQ(chunk.actions.size(), 28u);
  policy->Reset(id);
  EXPECT_EQ(policy->Act(observation).actions, chunk.actions);
}

TEST(StateTrackTest, DemosWithoutObjectStatesOrWithTooManyObjectsAreRejected) {
  const fs::path dir = fb::testing::FreshDir("vla_state_track_bad");
  auto config = StateConfig(testing::WriteTinyDemos(dir / "plain", {.object_states = false}), dir / "run");
  try {
    TrainVla(config);
    FAIL() << "demos without obs/object_states were accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tiny_demo.hdf5"));
    EXPECT_THAT(e.what(), HasSubstr("obs/object_states"));
  }
  config = StateConfig(testing::WriteTinyDemos(dir / "two"), dir / "run");
  config.model.max_objects = 1;
  try {
    TrainVla(config);
    FAIL() << "2 objects fit 1 object token";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("max_objects"));
  }
  config.model.max_objects = 0;
  EXPECT_THROW(config.model.Validate(), InputError);
  config.model.max_objects = 2;
  config.model.object_slots = 1;  // the image head has no images to read
  EXPECT_THROW(config.model.Validate(), InputError);
}

// With collect's clean expert chunks in the file (DART), those are the labels, not the next
// recorded actions.
TEST(VlaDataTest, RecordedChunkLabelsReplaceTheNextRecordedActions) {
  const fs::path dir = fb::testing::FreshDir("vla_chunk_labels");
  auto config = StateConfig(testing::WriteTinyDemos(dir / "demos", {.chunk_labels = 6}), dir / "run");
  const VlaData data = PrepareVlaData(config, {});
  const auto chunks = data.train.chunks;  // normalized, (n x 4 x 7)
  ASSERT_EQ(chunks.size(1), 4);
  for (int64_t d = 0; d < 7; ++d) {
    const auto dim = chunks.select(2, d);
    EXPECT_TRUE(dim.eq(dim[0][0]).all().item<bool>()) << "every label is the constant recorded chunk, dim " << d;
  }

  config = StateConfig(testing::WriteTinyDemos(dir / "plain"), dir / "run_plain");
  const VlaData plain = PrepareVlaData(config, {});
  const auto first = plain.train.chunks.select(2, 0);
  EXPECT_FALSE(first.eq(first[0][0]).all().item<bool>());
}

TEST(StateTrackTest, ImageModeRejectsDemosRecordedWithoutCameras) {
  const fs::path dir = fb::testing::FreshDir("vla_image_without_cameras");
  auto config = testing::TinyTrainConfig("binning_ar", testing::WriteTinyDemos(dir / "demos", {.images = false}),
                                         dir / "run");
  try {
    TrainVla(config);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no camera images"));
  }
}

}  // namespace
}  // namespace fb::policies
