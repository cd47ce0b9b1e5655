// `fasterbench bench policy`: chunk latency of learned policies at batch 1 and the
// configured thread count, split as the paper's latency table: prefix encoding, decoding
// passes x time per pass, detokenization, total per chunk. Observations are the first
// observations of real episodes (one init state per call), rendered outside the timing.
#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/torch_runtime.h"
#include "envs/env.h"
#include "envs/renderer.h"
#include "policies/registry.h"

namespace fb::apps {
namespace {

struct BenchOptions {
  std::vector<std::string> policies;  // NAME=CHECKPOINT
  int calls = 20;
  std::string suite = "spatial";
  std::string task;  // "" = the suite's first
  std::string embodiment = "panda";
  std::string json_out;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

nlohmann::json BenchOne(const std::string& entry, const BenchOptions& options) {
  const auto equals = entry.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
    throw InputError("--policy '" + entry + "': expected NAME=CHECKPOINT, e.g. fastervla=assets/policies/fastervla");
  }
  const std::string name = entry.substr(0, equals), checkpoint = entry.substr(equals + 1);
  config::Subtree params;
  const config::Document doc = config::FromAssignment("params.checkpoint=" + checkpoint);
  params.layers.push_back({doc.root["params"], doc, "--policy " + name});
  auto policy = policies::CreatePolicy(name, params);

  const auto suite = envs::LoadSuite(options.suite);
  const std::string task = options.task.empty() ? suite.tasks.front() : options.task;
  const auto spec = envs::EnvSpec::Create(options.suite, task, options.embodiment);
  envs::EpisodeState state;
  envs::Renderer renderer;
  policy->Attach(*spec, state);
  std::vector<double> encode, generate, detokenize, total, passes, tokens;
  for (int call = 0; call < options.calls + 1; ++call) {  // call 0 warms up (allocations, caches)
    const envs::EpisodeId id{options.suite, task, "id", options.embodiment, call % 50, 0};
    envs::Reset(*spec, id, state);
    policy->Reset(id);
    const auto observation = envs::Observe(*spec, state, policy->observation_options(), &renderer);
    const auto chunk = policy->Act(observation);
    if (call == 0) continue;
    const auto& m = chunk.metrics;
    encode.push_back(m.encode_s * 1e3);
    generate.push_back(m.generate_s * 1e3);
    detokenize.push_back(m.detokenize_s * 1e3);
    total.push_back((m.encode_s + m.generate_s + m.detokenize_s) * 1e3);
    passes.push_back(m.forward_passes);
    tokens.push_back(static_cast<double>(m.tokens));
  }
  const double pass_ms = Median(generate) / std::max(1.0, Median(passes));
  return {{"policy", name},     {"checkpoint", checkpoint},         {"calls", options.calls},
          {"encode_ms", Median(encode)}, {"passes", Median(passes)}, {"ms_per_pass", pass_ms},
          {"generate_ms", Median(generate)}, {"detokenize_ms", Median(detokenize)},
          {"total_ms", Median(total)}, {"tokens", Median(tokens)}};
}

int RunBenchPolicy(const BenchOptions& options) {
  if (options.policies.empty()) throw InputError("bench policy: give at least one --policy NAME=CHECKPOINT");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& entry : options.policies) rows.push_back(BenchOne(entry, options));
  fmt::print("chunk latency at batch 1, {} torch thread(s), median of {} calls ({} / {} / {})\n\n",
             TorchIntraOpThreads(), options.calls, options.suite, options.task.empty() ? "first task" : options.task,
             options.embodiment);
  fmt::print("| policy | prefix ms | passes x ms/pass | decode ms | detokenize ms | total ms | tokens |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    fmt::print("| {} | {:.2f} | {:.0f} x {:.3f} | {:.2f} | {:.3f} | {:.2f} | {:.0f} |\n", r["policy"].get<std::string>(),
               r["encode_ms"].get<double>(), r["passes"].get<double>(), r["ms_per_pass"].get<double>(),
               r["generate_ms"].get<double>(), r["detokenize_ms"].get<double>(), r["total_ms"].get<double>(),
               r["tokens"].get<double>());
  }
  if (!options.json_out.empty()) {
    WriteFileAtomic(options.json_out, nlohmann::json{{"threads", TorchIntraOpThreads()}, {"rows", rows}}.dump(2) + "\n");
    fmt::print("\nwrote {}\n", options.json_out);
  }
  return kExitOk;
}

}  // namespace

void RegisterBenchCommand(CLI::App& app, Dispatch& dispatch) {
  auto* bench = app.add_subcommand("bench", "Latency benchmarks of learned policies");
  bench->require_subcommand(1);
  auto options = std::make_shared<BenchOptions>();
  auto* policy = bench->add_subcommand("policy", "Per-chunk latency split into prefix, passes, detokenization");
  policy->add_option("--policy", options->policies, "NAME=CHECKPOINT (repeatable), e.g. fastervla=assets/policies/fastervla")
      ->required();
  policy->add_option("--calls", options->calls, "Timed calls per policy (one init state each)")->check(CLI::Range(1, 10000));
  policy->add_option("--suite", options->suite, "Suite of the observations");
  policy->add_option("--task", options->task, "Task of the observations (default: the suite's first)");
  policy->add_option("--embodiment", options->embodiment, "Embodiment of the observations");
  policy->add_option("--json", options->json_out, "Also write the table as JSON to this file");
  policy->callback([&dispatch, options] { dispatch.run = [options] { return RunBenchPolicy(*options); }; });
}

}  // namespace fb::apps
