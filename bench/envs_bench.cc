// Environment cost on one core: a control step through envs::Step (delta-EEF controller +
// physics substeps) against a bare mj_step loop of the same model and substeps (the ratio
// of their steps/s is the harness's overhead; target >= 0.8), and an observation's two
// 128x128 camera images per backend (target >= 150 obs/s).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include <mujoco/mujoco.h>

#include "core/split_mix64.h"
#include "envs/env.h"
#include "envs/renderer.h"

namespace {

using namespace fb;

constexpr char kSuite[] = "spatial";
constexpr char kTask[] = "spatial_red_block_on_plate";
constexpr char kEmbodiment[] = "panda";

const envs::EnvSpec& Spec() {
  static const auto spec = envs::EnvSpec::Create(kSuite, kTask, kEmbodiment);
  return *spec;
}

envs::EpisodeId Id() { return envs::EpisodeId{kSuite, kTask, "id", kEmbodiment, 0, 0}; }

// Small random deltas, so the arm moves but rarely ends the episode early.
std::vector<std::vector<double>> Actions(int count, int dim) {
  SplitMix64 random(1);
  std::vector<std::vector<double>> actions(static_cast<size_t>(count), std::vector<double>(static_cast<size_t>(dim)));
  for (auto& action : actions) {
    for (double& v : action) v = random.Uniform(-0.3, 0.3);
  }
  return actions;
}

void BM_EnvStep(benchmark::State& state) {
  const envs::EnvSpec& spec = Spec();
  const auto actions = Actions(64, spec.action_dim());
  envs::EpisodeState episode;
  envs::Reset(spec, Id(), episode);
  size_t t = 0;
  for (auto _ : state) {
    if (episode.done) {
      state.PauseTiming();
      envs::Reset(spec, Id(), episode);
      state.ResumeTiming();
    }
    envs::Step(spec, actions[t++ % actions.size()], episode);
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["realtime_x"] = benchmark::Counter(static_cast<double>(state.iterations()) / spec.embodiment().control_hz(),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnvStep)->Unit(benchmark::kMicrosecond);

// The same model and substeps per control step, no controller: the physics floor.
void BM_RawMjStep(benchmark::State& state) {
  const envs::EnvSpec& spec = Spec();
  envs::EpisodeState episode;
  envs::Reset(spec, Id(), episode);
  const mjModel* m = spec.model();
  mjData* d = episode.data.get();
  const int substeps = spec.substeps();
  for (auto _ : state) {
    for (int s = 0; s < substeps; ++s) mj_step(m, d);
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RawMjStep)->Unit(benchmark::kMicrosecond);

// One observation's images: agent view and wrist, 128x128; arg 0 = osmesa, 1 = egl.
void BM_RenderTwoCameras(benchmark::State& state) {
  const auto backend = state.range(0) == 0 ? envs::RenderBackend::kOsmesa : envs::RenderBackend::kEgl;
  std::unique_ptr<envs::Renderer> renderer;
  try {
    renderer = std::make_unique<envs::Renderer>(backend);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const envs::EnvSpec& spec = Spec();
  envs::EpisodeState episode;
  envs::Reset(spec, Id(), episode);
  const std::string wrist = spec.embodiment().arm(0).wrist_camera;
  for (auto _ : state) {
    benchmark::DoNotOptimize(renderer->Render(spec.model(), episode.data.get(), "agentview", 128, 128));
    benchmark::DoNotOptimize(renderer->Render(spec.model(), episode.data.get(), wrist, 128, 128));
  }
  state.SetLabel(envs::RenderBackendName(backend));
  state.counters["obs/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RenderTwoCameras)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
