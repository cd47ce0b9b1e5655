// The ood-distractor and ood-visual splits: distractors are in the scene and ignored by the
// success predicate; ood-visual changes images only, never physics.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "envs/env.h"
#include "envs/expert.h"
#include "envs/renderer.h"
#include "envs/scene_builder.h"
#include "envs/splits.h"

namespace fb::envs {
namespace {

constexpr char kTask[] = "spatial_red_block_on_plate";
constexpr char kEmbodiment[] = "widowx250";

TEST(OodSplitsTest, NewSplitsAreBuiltIn) {
  const std::vector<std::string> splits = BuiltinSplits();
  EXPECT_NE(std::find(splits.begin(), splits.end(), "ood-distractor"), splits.end());
  EXPECT_NE(std::find(splits.begin(), splits.end(), "ood-visual"), splits.end());
  EXPECT_EQ(LoadSplit("ood-distractor").distractors, 2);
  EXPECT_EQ(LoadSplit("ood-visual").visual, "randomized");
  EXPECT_EQ(LoadSplit("id").distractors, 0);
  EXPECT_EQ(LoadSplit("id").visual, "none");
}

// The committed files are exactly what the generator produces now (on the suite's first
// embodiment, as `fasterbench splits generate` does).
TEST(OodSplitsTest, GeneratorReproducesTheCommittedFiles) {
  const auto spec = EnvSpec::Create("spatial", kTask, LoadSuite("spatial").embodiments.front());
  for (const char* split : {"ood-distractor", "ood-visual"}) {
    std::ifstream in(InitStatePath("spatial", kTask, split));
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(InitStatesToJson(GenerateInitStates(*spec, LoadSplit(split))), text.str()) << split;
  }
}

TEST(OodSplitsTest, DistractorsArePlacedOnTheTableOnlyInOodDistractor) {
  const auto spec = EnvSpec::Create("spatial", kTask, kEmbodiment);
  ASSERT_EQ(spec->num_distractors(), static_cast<int>(Distractors().size()));
  const InitStates file = LoadInitStates(InitStatePath("spatial", kTask, "ood-distractor"));
  ASSERT_EQ(file.objects.size(), spec->num_objects() + Distractors().size());
  EpisodeState state;
  int two = 0;
  for (int i = 0; i < 10; ++i) {
    Reset(*spec, EpisodeId{"spatial", kTask, "ood-distractor", kEmbodiment, i, 0}, state);
    ASSERT_FALSE(state.done) << state.failure_detail;
    int on_table = 0;
    for (int k = 0; k < spec->num_distractors(); ++k) {
      const double* q = state.data->qpos + spec->distractor_qpos_adr(k);
      if (std::abs(q[0]) < 0.4) {
        ++on_table;
        EXPECT_GT(q[2], spec->table_z()) << i;
      } else {
        EXPECT_NEAR(q[0], Distractors()[static_cast<size_t>(k)].park[0], 1e-6);
      }
    }
    EXPECT_GE(on_table, 1) << i;
    two += on_table == 2 ? 1 : 0;
    Reset(*spec, EpisodeId{"spatial", kTask, "id", kEmbodiment, i, 0}, state);
    for (int k = 0; k < spec->num_distractors(); ++k) {
      EXPECT_NEAR(state.data->qpos[spec->distractor_qpos_adr(k)], Distractors()[static_cast<size_t>(k)].park[0], 1e-6);
    }
  }
  EXPECT_GT(two, 0);
}

// The predicate names task objects only: moving the distractors around never changes it.
TEST(OodSplitsTest, DistractorsDoNotAffectSuccess) {
  const auto spec = EnvSpec::Create("spatial", kTask, kEmbodiment);
  const ScriptedExpert expert(*spec);
  EpisodeState state;
  int ok = 0;
  const int episodes = 6;
  for (int i = 0; i < episodes; ++i) {
    const StepResult r = RunExpertEpisode(*spec, expert, {"spatial", kTask, "ood-distractor", kEmbodiment, i, 0}, state);
    ok += r.success_once ? 1 : 0;
    // At the end, the predicate's value is the same with the distractors parked.
    const mjModel* m = spec->model();
    PredicateState a, b;
    spec->predicate().ResetState(state.data.get(), a);
    spec->predicate().ResetState(state.data.get(), b);
    const bool with = spec->predicate().Evaluate(m, state.data.get(), a);
    DataPtr copy = MakeData(m);
    mj_copyData(copy.get(), m, state.data.get());
    for (int k = 0; k < spec->num_distractors(); ++k) {
      const auto& park = Distractors()[static_cast<size_t>(k)].park;
      double* q = copy->qpos + spec->distractor_qpos_adr(k);
      std::copy(park.begin(), park.end(), q);
    }
    mj_forward(m, copy.get());
    EXPECT_EQ(with, spec->predicate().Evaluate(m, copy.get(), b)) << i;
  }
  std::printf("expert on ood-distractor (%s, %s): %d/%d\n", kTask, kEmbodiment, ok, episodes);
  EXPECT_GE(ok, episodes - 1);
}

double MeanAbsDiff(const RgbImage& a, const RgbImage& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  return sum / static_cast<double>(a.pixels.size());
}

TEST(OodSplitsTest, VisualChangesImagesButNotPhysics) {
  const auto spec = EnvSpec::Create("spatial", kTask, kEmbodiment);
  const mjModel* m = spec->model();
  const std::vector<float> rgba_before(m->geom_rgba, m->geom_rgba + 4 * m->ngeom);
  const std::vector<double> cam_before(m->cam_pos, m->cam_pos + 3 * m->ncam);
  Renderer renderer;
  EpisodeState visual, plain;
  const EpisodeId id{"spatial", kTask, "ood-visual", kEmbodiment, 3, 7};
  Reset(*spec, id, visual);
  Reset(*spec, id, plain);
  ApplyVisual(*spec, {}, plain.data.get());  // the same pose without the overrides
  const RgbImage a = renderer.Render(m, visual.data.get(), "agentview", 128, 128);
  const RgbImage b = renderer.Render(m, plain.data.get(), "agentview", 128, 128);
  EXPECT_GT(MeanAbsDiff(a, b), 5.0);
  // Identical trajectories, rendering every step of one of them.
  std::vector<double> action(static_cast<size_t>(spec->action_dim()));
  for (int step = 0; step < 30; ++step) {
    for (size_t j = 0; j < action.size(); ++j) action[j] = 0.5 * std::sin(0.3 * step + static_cast<double>(j));
    Step(*spec, action, visual);
    Step(*spec, action, plain);
    renderer.Render(m, visual.data.get(), "agentview", 64, 64);
    renderer.Render(m, visual.data.get(), spec->embodiment().arm(0).wrist_camera, 64, 64);
    ASSERT_EQ(0, std::memcmp(visual.data->qpos, plain.data->qpos, sizeof(double) * m->nq)) << step;
    ASSERT_EQ(0, std::memcmp(visual.data->qvel, plain.data->qvel, sizeof(double) * m->nv)) << step;
  }
  // The shared model is untouched.
  EXPECT_EQ(rgba_before, std::vector<float>(m->geom_rgba, m->geom_rgba + 4 * m->ngeom));
  EXPECT_EQ(cam_before, std::vector<double>(m->cam_pos, m->cam_pos + 3 * m->ncam));
  // An id episode carries no overrides.
  EpisodeState id_state;
  Reset(*spec, {"spatial", kTask, "id", kEmbodiment, 3, 7}, id_state);
  EXPECT_EQ(id_state.data->userdata[0], 0.0);
}

}  // namespace
}  // namespace fb::envs
