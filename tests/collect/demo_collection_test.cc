#include "collect/demo_collection.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <hdf5.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/data/hdf5_actions.h"
#include "core/data/hdf5_demo_frames.h"
#include "core/error.h"
#include "core/json_file.h"
#include "collect/expert_demo.h"
#include "collect/learner_demo.h"
#include "policies/registry.h"
#include "envs/expert_chunk.h"
#include "tests/support/scratch_dir.h"

namespace fb::collect {
namespace {

using namespace fb::envs;  // the simulation the demos record

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTask[] = "spatial_red_block_on_plate";

// A whole float dataset of an HDF5 file, as doubles.
std::vector<double> ReadDoubles(const fs::path& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t dataset = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(dataset);
  std::vector<double> values(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  const herr_t read = H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Sclose(space);
  H5Dclose(dataset);
  H5Fclose(f);
  EXPECT_GE(read, 0) << name;
  return values;
}

CollectConfig SmallConfig(const fs::path& out) {
  CollectConfig c;
  c.suite = "spatial";
  c.tasks = {kTask};
  c.embodiments = {"panda"};
  c.split = "train";
  c.init_indices = {1, 0};
  c.seed = 3;
  c.image_size = 16;
  c.cameras = {};
  c.out = out.string();
  c.workers = 1;
  return c;
}

TEST(DemoPartTest, RoundTripsAndRejectsTruncatedBytes) {
  DemoEpisode demo;
  demo.id = EpisodeId{"spatial", kTask, "train", "panda", 4, 9};
  demo.instruction = "put the red block on the plate";
  demo.success = true;
  demo.steps = 2;
  demo.action_dim = 1;
  demo.state_dim = 2;
  demo.joint_dim = 1;
  demo.gripper_dim = 1;
  demo.arms = 1;
  demo.image_size = 1;
  demo.actions = {0.5f, -0.25f};
  demo.states = {1, 2, 3, 4};
  demo.joint_states = {0.1f, 0.2f};
  demo.gripper_states = {0.3f, 0.4f};
  demo.ee_pos = {1, 2, 3, 4, 5, 6};
  demo.ee_ori = {6, 5, 4, 3, 2, 1};
  demo.rewards = {0, 1};
  demo.dones = {0, 1};
  demo.chunk_horizon = 3;
  demo.action_chunks = {1, 2, 3, 4, 5, 6};
  demo.executed_actions = {0.5 + 1e-12, -0.25};
  demo.image_names = {"agentview_rgb"};
  demo.images = {{1, 2, 3, 4, 5, 6}};
  const std::string bytes = EncodeDemoPart(demo);
  const DemoEpisode back = DecodeDemoPart(bytes, "p");
  EXPECT_EQ(back.chunk_horizon, 3);
  EXPECT_EQ(back.action_chunks, demo.action_chunks);
  EXPECT_EQ(back.executed_actions, demo.executed_actions);  // float64: a replay is exact
  demo.executed_actions.clear();  // collected without noise
  EXPECT_TRUE(DecodeDemoPart(EncodeDemoPart(demo), "p").executed_actions.empty());
  EXPECT_EQ(back.id.ToString(), demo.id.ToString());
  EXPECT_EQ(back.instruction, demo.instruction);
  EXPECT_EQ(back.states, demo.states);
  EXPECT_EQ(back.images, demo.images);
  EXPECT_EQ(back.ee_ori, demo.ee_ori);
  EXPECT_EQ(DemoDigest(back), DemoDigest(demo));
  try {
    DecodeDemoPart(std::string_view(bytes).substr(0, bytes.size() - 1), "cut.part");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("demo part 'cut.part' is truncated"));
  }
}

TEST(CollectEmbodimentsTest, HeldOutEmbodimentsStayOutUnlessIncluded) {
  const SuiteConfig suite = LoadSuite("spatial");
  CollectConfig c = SmallConfig("unused");
  c.embodiments = {};
  EXPECT_THAT(HeldOutEmbodiments(), ElementsAre("widowx250"));
  EXPECT_THAT(CollectEmbodiments(c, suite), ElementsAre("panda", "ur5e"));
  c.include_held_out_embodiments = true;
  EXPECT_THAT(CollectEmbodiments(c, suite), ElementsAre("panda", "ur5e", "widowx250"));
  c.include_held_out_embodiments = false;
  c.embodiments = {"widowx250"};
  try {
    CollectEmbodiments(c, suite);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'widowx250' is held out by a split"));
  }
  c.embodiments = {"aloha"};
  EXPECT_THROW(CollectEmbodiments(c, suite), InputError);
}

TEST(RecordExpertDemoTest, StepsHaveConsistentShapesAndEndInSuccess) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  Renderer renderer;
  EpisodeState state;
  const EpisodeId id{"spatial", kTask, "train", "panda", 0, 0};
  const DemoEpisode demo = RecordExpertDemo(*spec, expert, id, DemoRecordOptions{16, true, true}, &renderer, state);
  ASSERT_TRUE(demo.success) << demo.failure << " " << demo.failure_detail;
  const auto steps = static_cast<size_t>(demo.steps);
  ASSERT_GT(steps, 0u);
  EXPECT_EQ(demo.actions.size(), steps * 7);
  EXPECT_EQ(demo.states.size(), steps * static_cast<size_t>(spec->model()->nq + spec->model()->nv));
  EXPECT_EQ(demo.ee_pos.size(), steps * 3);
  EXPECT_THAT(demo.image_names, ElementsAre("agentview_rgb", "eye_in_hand_rgb"));
  EXPECT_EQ(demo.images[1].size(), steps * 16 * 16 * 3);
  EXPECT_EQ(demo.rewards.back(), 1.0f);
  EXPECT_EQ(demo.dones.back(), 1.0f);
  EXPECT_EQ(demo.dones.front(), 0.0f);
  EXPECT_EQ(demo.instruction, state.instruction);
}

// The chunk recorded at step t (steps x H x dims).
std::vector<float> ChunkAt(const DemoEpisode& demo, int t) {
  const auto size = static_cast<ptrdiff_t>(demo.chunk_horizon * demo.action_dim);
  const auto begin = demo.action_chunks.begin() + t * size;
  return {begin, begin + size};
}

// Steps checked against a clean rollout: every 7th, and the last H (the padding past the end).
bool Checked(int t, const DemoEpisode& demo) { return t % 7 == 0 || t >= demo.steps - demo.chunk_horizon; }

// Without noise the clean rollout from step t is the episode itself: AppendExpertChunk, run
// from the replayed state, equals the recorded chunk, which is the next H recorded actions
// with the last one repeated past the end.
TEST(RecordExpertDemoTest, WithoutNoiseChunksAreTheNextRecordedActions) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  EpisodeState state, scratch;
  const EpisodeId id{"spatial", kTask, "train", "panda", 2, 2};
  DemoRecordOptions options{16, false, false, 0.0, 8};
  const DemoEpisode demo = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  ASSERT_TRUE(demo.success) << demo.failure;
  ASSERT_EQ(demo.action_chunks.size(), static_cast<size_t>(demo.steps * 8 * 7));
  EXPECT_TRUE(demo.executed_actions.empty());
  for (int t = 0; t < demo.steps; ++t) {
    const std::vector<float> chunk = ChunkAt(demo, t);
    for (int k = 0; k < 8; ++k) {
      const int step = std::min(t + k, demo.steps - 1);
      for (int j = 0; j < 7; ++j) ASSERT_EQ(chunk[static_cast<size_t>(k * 7 + j)], demo.actions[static_cast<size_t>(step * 7 + j)]) << t << " " << k;
    }
  }
  Reset(*spec, id, state);
  ExpertState memory;
  expert.Reset(*spec, state, memory);
  int compared = 0;
  for (int t = 0; t < demo.steps; ++t) {
    if (Checked(t, demo)) {
      std::vector<float> rolled;
      AppendExpertChunk(*spec, expert, state, memory, 8, scratch, rolled);
      ASSERT_EQ(rolled, ChunkAt(demo, t)) << "step " << t;
      ++compared;
    }
    Step(*spec, expert.Act(*spec, state, memory), state);
  }
  EXPECT_TRUE(state.done);
  EXPECT_GT(compared, 10);
}

// With noise, replaying the executed actions reproduces the recorded states bit for bit, the
// expert's memory following along; at each checked step a fresh clean rollout from that exact
// state gives the recorded chunk. The chunks are not the next recorded actions (those react
// to noise injected later), which is what the old labels were.
TEST(RecordExpertDemoTest, NoisyChunksAreTheCleanExpertsFromTheRecordedState) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  EpisodeState state, scratch;
  const EpisodeId id{"spatial", kTask, "train", "panda", 0, 0};
  const DemoRecordOptions options{16, false, false, 0.2, 10};
  const DemoEpisode demo = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  ASSERT_TRUE(demo.success) << demo.failure;
  const auto dims = static_cast<size_t>(demo.action_dim), width = static_cast<size_t>(demo.state_dim);
  ASSERT_EQ(demo.executed_actions.size(), static_cast<size_t>(demo.steps) * dims);
  ASSERT_EQ(demo.action_chunks.size(), static_cast<size_t>(demo.steps) * 10 * dims);

  Reset(*spec, id, state);
  ExpertState memory;
  expert.Reset(*spec, state, memory);
  int compared = 0, differs_from_future = 0;
  for (int t = 0; t < demo.steps; ++t) {
    const double* recorded = demo.states.data() + static_cast<size_t>(t) * width;
    const mjModel* m = spec->model();
    ASSERT_TRUE(std::equal(state.data->qpos, state.data->qpos + m->nq, recorded)) << "qpos at step " << t;
    ASSERT_TRUE(std::equal(state.data->qvel, state.data->qvel + m->nv, recorded + m->nq)) << "qvel at step " << t;
    const std::vector<float> chunk = ChunkAt(demo, t);
    if (Checked(t, demo)) {
      std::vector<float> rolled;
      AppendExpertChunk(*spec, expert, state, memory, 10, scratch, rolled);
      ASSERT_EQ(rolled, chunk) << "step " << t;
      ++compared;
    }
    const std::vector<double> action = expert.Act(*spec, state, memory);
    for (size_t j = 0; j < dims; ++j) {
      ASSERT_EQ(chunk[j], demo.actions[static_cast<size_t>(t) * dims + j]) << "a chunk starts with the step's label";
      ASSERT_EQ(static_cast<float>(action[j]), demo.actions[static_cast<size_t>(t) * dims + j]);
    }
    for (size_t k = 1; k < 10 && t + static_cast<int>(k) < demo.steps; ++k) {
      if (!std::equal(chunk.begin() + static_cast<ptrdiff_t>(k * dims), chunk.begin() + static_cast<ptrdiff_t>((k + 1) * dims),
                      demo.actions.begin() + static_cast<ptrdiff_t>((static_cast<size_t>(t) + k) * dims))) {
        ++differs_from_future;
        break;
      }
    }
    Step(*spec,
         std::vector<double>(demo.executed_actions.begin() + static_cast<ptrdiff_t>(static_cast<size_t>(t) * dims),
                             demo.executed_actions.begin() + static_cast<ptrdiff_t>(static_cast<size_t>(t + 1) * dims)),
         state);
  }
  EXPECT_TRUE(state.done);
  EXPECT_GT(compared, 10);
  EXPECT_GT(differs_from_future, demo.steps / 2);
}

// Noise moves the arm off the expert's path, reproducibly, while the labels stay the expert's
// corrections: replaying the recorded actions without noise gives another trajectory.
TEST(RecordExpertDemoTest, ActionNoisePerturbsTheStatesNotTheLabels) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  EpisodeState state;
  const EpisodeId id{"spatial", kTask, "train", "panda", 0, 0};
  DemoRecordOptions options{16, false, false, 0.2, 5};
  const DemoEpisode noisy = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  const DemoEpisode again = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  options.action_noise = 0.0;
  const DemoEpisode clean = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  ASSERT_TRUE(noisy.success) << noisy.failure << " " << noisy.failure_detail;
  EXPECT_EQ(noisy.states, again.states);
  EXPECT_EQ(noisy.actions, again.actions);
  EXPECT_EQ(noisy.action_chunks, again.action_chunks);
  EXPECT_EQ(noisy.executed_actions, again.executed_actions);
  EXPECT_NE(noisy.states, clean.states);

  Reset(*spec, id, state);
  const size_t dims = 7, width = static_cast<size_t>(noisy.state_dim);
  double gap = 0;
  for (int64_t t = 0; t + 1 < noisy.steps; ++t) {
    Step(*spec, std::vector<double>(noisy.actions.begin() + static_cast<ptrdiff_t>(t * dims),
                                    noisy.actions.begin() + static_cast<ptrdiff_t>((t + 1) * dims)),
         state);
    const double* recorded = noisy.states.data() + (t + 1) * width;
    for (int i = 0; i < spec->model()->nq; ++i) gap = std::max(gap, std::abs(state.data->qpos[i] - recorded[i]));
  }
  EXPECT_GT(gap, 1e-3) << "the recorded actions replayed without noise should not reproduce the noisy states";
}

// Two workers give the same demos as one, in init order; a rerun resumes without work.
TEST(CollectDemosTest, WorkerCountDoesNotChangeTheDemosAndARerunResumes) {
  fb::testing::ScratchDir one, two;
  CollectConfig c = SmallConfig(one.path());
  const CollectStats first = CollectDemos(c);
  EXPECT_EQ(first.planned, 2);
  EXPECT_EQ(first.ran, 2);
  EXPECT_EQ(first.kept, 2);
  c.out = two.path().string();
  c.workers = 2;
  CollectDemos(c);
  const auto a = ReadJsonFile(one.path() / "collect_summary.json");
  const auto b = ReadJsonFile(two.path() / "collect_summary.json");
  EXPECT_EQ(a["files"], b["files"]);
  ASSERT_EQ(a["files"][0]["demos"].size(), 2u);
  EXPECT_EQ(a["files"][0]["demos"][0]["init_index"], 0);  // init order, not the config's order
  EXPECT_EQ(a["files"][0]["demos"][1]["init_index"], 1);

  const CollectStats again = CollectDemos(c);
  EXPECT_EQ(again.resumed, 2);
  EXPECT_EQ(again.ran, 0);
  for (const auto& entry : fs::recursive_directory_iterator(two.path() / ".parts")) {
    EXPECT_NE(entry.path().extension(), ".part") << "parts are removed once their file is written";
  }

  const fs::path file = DemoFilePath(two.path(), kTask, "panda");
  const auto dataset = data::ReadHdf5Actions(file);
  EXPECT_EQ(static_cast<int>(dataset.episodes.size()), first.kept);

  // obs/object_pos: each task object's free-joint position from the recorded states.
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const int objects = spec->num_objects(), state_dim = spec->model()->nq + spec->model()->nv;
  const auto states = ReadDoubles(file, "data/demo_0/states");
  const auto positions = ReadDoubles(file, "data/demo_0/obs/object_pos");
  const size_t steps = states.size() / static_cast<size_t>(state_dim);
  ASSERT_EQ(positions.size(), steps * 3 * static_cast<size_t>(objects));
  for (size_t t = 0; t < steps; t += steps - 1) {  // first and last step
    for (int i = 0; i < objects; ++i) {
      for (int k = 0; k < 3; ++k) {
        EXPECT_FLOAT_EQ(static_cast<float>(positions[(t * static_cast<size_t>(objects) + static_cast<size_t>(i)) * 3 + static_cast<size_t>(k)]),
                        static_cast<float>(states[t * static_cast<size_t>(state_dim) + static_cast<size_t>(spec->object_qpos_adr(i) + k)]))
            << "step " << t << " object " << i << " axis " << k;
      }
    }
  }
  EXPECT_NEAR(positions[2], 0.82, 0.05) << "the first object rests on the table (top at z = 0.8)";

  // obs/object_states: what the state track observes, ObserveObjects of each recorded state;
  // collected without cameras, the demos hold no frames (the state track's fast path).
  const auto frames = data::ReadHdf5DemoFrames(file);
  ASSERT_EQ(frames.size(), 2u);
  const data::DemoFrames& demo = frames[0];
  EXPECT_EQ(demo.image_height, 0);
  EXPECT_TRUE(demo.agentview.empty());
  ASSERT_EQ(demo.objects, objects);
  ASSERT_EQ(demo.object_values, kObjectStateValues);
  EXPECT_THAT(demo.object_kinds, ElementsAre("block", "block", "bowl", "plate"));
  EXPECT_THAT(demo.object_colours, ElementsAre("blue", "red", "green", "white"));
  for (size_t t = 0; t < steps; t += steps - 1) {
    const auto observed = ObserveObjects(*spec, states.data() + t * static_cast<size_t>(state_dim));
    const float* row = demo.object_states.data() + t * static_cast<size_t>(objects * kObjectStateValues);
    for (size_t i = 0; i < observed.size(); ++i, row += kObjectStateValues) {
      for (int k = 0; k < 3; ++k) EXPECT_FLOAT_EQ(row[k], static_cast<float>(observed[i].pos[k]));
      for (int k = 0; k < 4; ++k) EXPECT_FLOAT_EQ(row[3 + k], static_cast<float>(observed[i].quat[k]));
      EXPECT_FLOAT_EQ(row[7], static_cast<float>(observed[i].joint));
    }
  }
  // action_chunks (steps x 20 x 7): each chunk starts with its step's action.
  const auto actions = ReadDoubles(file, "data/demo_0/actions");
  const auto chunks = ReadDoubles(file, "data/demo_0/action_chunks");
  ASSERT_EQ(chunks.size(), steps * 20 * 7);
  for (size_t t = 0; t < steps; ++t) {
    for (size_t j = 0; j < 7; ++j) ASSERT_EQ(chunks[t * 140 + j], actions[t * 7 + j]) << t;
  }
}

// The expert as its own learner: the labels are exactly what it executed, and it succeeds.
TEST(RecordLearnerDemoTest, TheExpertAsLearnerIsLabelledWithItsOwnActions) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  const auto learner = policies::CreatePolicy("scripted_expert");
  EpisodeState state;
  const EpisodeId id{"spatial", kTask, "train", "panda", 0, 0};
  DemoRecordOptions options{16, false, false};
  const DemoEpisode demo = RecordLearnerDemo(*spec, expert, *learner, id, options, {}, 1, nullptr, state);
  EXPECT_TRUE(demo.success);
  ASSERT_GT(demo.steps, 20);
  ASSERT_EQ(demo.executed_actions.size(), demo.actions.size());
  for (size_t i = 0; i < demo.actions.size(); ++i) {
    ASSERT_EQ(static_cast<float>(demo.executed_actions[i]), demo.actions[i]) << "value " << i;
  }
  EXPECT_EQ(demo.rewards.size(), static_cast<size_t>(demo.steps));
  EXPECT_EQ(demo.dones.back(), 1.0f);
  // The same episode recorded by the expert driving has the same states and actions.
  const DemoEpisode driven = RecordExpertDemo(*spec, expert, id, options, nullptr, state);
  EXPECT_EQ(driven.states, demo.states);
  EXPECT_EQ(driven.actions, demo.actions);

  // Recording every third state keeps exactly those rows, labels and chunks included: the
  // expert's memory followed the unrecorded steps too.
  const DemoEpisode sparse = RecordLearnerDemo(*spec, expert, *learner, id, options, {}, 3, nullptr, state);
  EXPECT_TRUE(sparse.success);
  ASSERT_EQ(sparse.steps, (demo.steps + 2) / 3);
  const auto row = [](const auto& values, int t, int width) {
    return std::vector(values.begin() + static_cast<ptrdiff_t>(t) * width,
                       values.begin() + static_cast<ptrdiff_t>(t + 1) * width);
  };
  const int chunk = options.chunk_horizon * 7;
  for (int r = 0; r < sparse.steps; ++r) {
    ASSERT_EQ(row(sparse.states, r, demo.state_dim), row(demo.states, 3 * r, demo.state_dim)) << r;
    ASSERT_EQ(row(sparse.actions, r, 7), row(demo.actions, 3 * r, 7)) << r;
    ASSERT_EQ(row(sparse.action_chunks, r, chunk), row(demo.action_chunks, 3 * r, chunk)) << r;
  }
}

// A learner that never moves: every state it visits is labelled with the clean expert's chunk
// from that state, the demo records its zeros as executed and its failure as the outcome.
TEST(RecordLearnerDemoTest, AStillLearnerGetsTheCleanExpertsChunksAsLabels) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const ScriptedExpert expert(*spec);
  const auto learner = policies::CreatePolicy("zero");
  EpisodeState state, scratch;
  const EpisodeId id{"spatial", kTask, "train", "panda", 1, 1};
  DemoRecordOptions options{16, false, false};
  options.chunk_horizon = 5;
  const DemoEpisode demo = RecordLearnerDemo(*spec, expert, *learner, id, options, {}, 1, nullptr, state);
  EXPECT_FALSE(demo.success);
  EXPECT_EQ(demo.failure, "timeout");
  ASSERT_GT(demo.steps, 0);
  for (size_t i = 0; i < demo.executed_actions.size(); ++i) {
    if (i % 7 == 6) continue;  // the gripper: the zero policy holds it open
    ASSERT_EQ(demo.executed_actions[i], 0.0) << "the zero policy's motion, value " << i;
  }
  double label_motion = 0;
  for (float a : demo.actions) label_motion += std::abs(a);
  EXPECT_GT(label_motion, 1.0) << "the expert wants the arm to move";

  // Step 0's chunk is the clean expert's from the reset state with a fresh memory.
  Reset(*spec, id, state);
  ExpertState memory;
  expert.Reset(*spec, state, memory);
  std::vector<float> chunk;
  AppendExpertChunk(*spec, expert, state, memory, 5, scratch, chunk);
  ASSERT_EQ(chunk.size(), 35u);
  for (size_t i = 0; i < chunk.size(); ++i) ASSERT_EQ(demo.action_chunks[i], chunk[i]) << i;
  // ... and each chunk starts with the expert's label of its step.
  for (int t = 0; t < demo.steps; ++t) {
    for (size_t j = 0; j < 7; ++j) {
      ASSERT_EQ(demo.action_chunks[static_cast<size_t>(t) * 35 + j], demo.actions[static_cast<size_t>(t) * 7 + j]) << t;
    }
  }
}

// DAgger collection keeps every learner episode, solved or not, and says which were solved.
TEST(CollectDemosTest, WithALearnerEveryEpisodeIsKept) {
  fb::testing::ScratchDir out;
  CollectConfig c = SmallConfig(out.path());
  c.learner.name = "zero";
  c.chunk_horizon = 4;
  const CollectStats stats = CollectDemos(c);
  EXPECT_EQ(stats.kept, 2);
  EXPECT_EQ(stats.solved, 0);
  EXPECT_EQ(stats.failed, 0);
  const auto summary = ReadJsonFile(out.path() / "collect_summary.json");
  EXPECT_EQ(summary["learner"], "zero");
  const auto& demo = summary["files"][0]["demos"][0];
  EXPECT_EQ(demo["learner_success"], false);
  EXPECT_EQ(demo["learner_failure"], "timeout");
  ASSERT_EQ(demo["learner_expert_l1"].size(), 7u);
  EXPECT_GT(demo["learner_expert_l1"][0].get<double>() + demo["learner_expert_l1"][1].get<double>(), 0.0);
  const auto dataset = data::ReadHdf5Actions(DemoFilePath(out.path(), kTask, "panda"));
  EXPECT_EQ(dataset.episodes.size(), 2u);
}

TEST(CollectConfigTest, ALearnerCannotHaveActionNoise) {
  CollectConfig c = SmallConfig("unused");
  c.learner.name = "zero";
  c.action_noise = 0.1;
  try {
    c.Validate();
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("action_noise"));
    EXPECT_THAT(e.what(), HasSubstr("zero"));
  }
}

}  // namespace
}  // namespace fb::collect
