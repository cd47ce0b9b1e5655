// The evaluation harness's own cost. Harness overhead per control step: one episode of a
// zero-cost policy (a fixed chunk of zeros, no images) through RunEpisode, against the raw
// envs::Reset + envs::Step loop over the same actions; the difference is what the runner
// adds (observations, chunk checks, records, timing), physics excluded. Throughput: episodes
// per minute of the scripted expert on a fixed 4-episode list through RunEvaluation at 1 and
// 2 workers (each iteration starts from an empty run directory).
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/config/schema.h"
#include "eval/episode_runner.h"
#include "eval/eval_run.h"

namespace {

using namespace fb;
using Clock = std::chrono::steady_clock;

constexpr const char* kTask = "spatial_red_block_on_plate";

// Returns the same chunk of zeros every call: the policy costs a copy, nothing else.
class ZeroCostPolicy final : public policies::Policy {
 public:
  explicit ZeroCostPolicy(int chunk) : Policy("zero_cost"), k_steps_(chunk) {}

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) override {
    k_chunk_.steps = k_steps_;
    k_chunk_.action_dim = spec.action_dim();
    k_chunk_.actions.assign(static_cast<size_t>(k_steps_ * spec.action_dim()), 0.0);
  }
  void DoReset(const envs::EpisodeId&) override {}
  policies::ActionChunk DoAct(const envs::Observation&) override { return k_chunk_; }
  int k_steps_;
  policies::ActionChunk k_chunk_;
};

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// range(0): actions per chunk (1 = an Act and an observation every control step).
void BM_HarnessOverheadPerStep(benchmark::State& state) {
  const auto spec = envs::EnvSpec::Create("spatial", kTask, "widowx250");
  const envs::EpisodeId id{"spatial", kTask, "id", "widowx250", 0, 0};
  ZeroCostPolicy policy(static_cast<int>(state.range(0)));
  envs::EpisodeState episode;
  const std::vector<double> zeros(static_cast<size_t>(spec->action_dim()), 0.0);
  double raw_s = 0, harness_s = 0;
  int64_t steps = 0;
  for (auto _ : state) {
    double t = ThreadCpuSeconds();
    envs::Reset(*spec, id, episode);
    while (!episode.done) envs::Step(*spec, zeros, episode);
    raw_s += ThreadCpuSeconds() - t;
    const int raw_steps = episode.step;

    t = ThreadCpuSeconds();
    const eval::EpisodeRecord record = eval::RunEpisode(*spec, policy, id, episode, {});
    const double elapsed = ThreadCpuSeconds() - t;
    harness_s += elapsed;
    state.SetIterationTime(elapsed);
    if (record.steps != raw_steps) state.SkipWithError("the harness ran another number of steps");
    steps += record.steps;
  }
  state.counters["steps_per_episode"] = static_cast<double>(steps) / static_cast<double>(state.iterations());
  state.counters["raw_us_per_step"] = 1e6 * raw_s / static_cast<double>(steps);
  state.counters["harness_us_per_step"] = 1e6 * harness_s / static_cast<double>(steps);
  state.counters["overhead_us_per_step"] = 1e6 * (harness_s - raw_s) / static_cast<double>(steps);
  state.counters["harness_over_raw"] = harness_s / raw_s;
}
BENCHMARK(BM_HarnessOverheadPerStep)->ArgName("chunk")->Arg(1)->Arg(8)->MinTime(3.0)->UseManualTime()->Unit(benchmark::kMillisecond);

// range(0): workers.
void BM_ExpertEpisodesPerMinute(benchmark::State& state) {
  const auto out = std::filesystem::temp_directory_path() / "fasterbench_eval_bench";
  auto config = config::LoadLayered<eval::EvalConfig>(
      "eval.yaml", "",
      {"tasks=[" + std::string(kTask) + "]", "embodiments=[widowx250]", "init_indices=[0, 1, 2, 3]",
       "workers=" + std::to_string(state.range(0)), "out=" + out.string()});
  int64_t episodes = 0;
  double seconds = 0;
  for (auto _ : state) {
    std::filesystem::remove_all(out);
    const auto t = Clock::now();
    eval::EvalRunStats stats;
    eval::RunEvaluation(config, "bench", out, &stats);
    seconds += Seconds(t);
    episodes += stats.ran;
  }
  std::filesystem::remove_all(out);
  state.counters["episodes_per_min"] = 60.0 * static_cast<double>(episodes) / seconds;
}
BENCHMARK(BM_ExpertEpisodesPerMinute)->ArgName("workers")->Arg(1)->Arg(2)->Iterations(2)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
