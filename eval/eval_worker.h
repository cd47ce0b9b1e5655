// One worker of an evaluation run and what workers share. Each worker owns a policy instance
// (policies are not thread-safe), its episode state, a renderer when the policy reads images
// or an episode is filmed, and, with timeouts, the thread its policy calls run on; all of it
// is built and used on the worker's own thread. EnvSpecs are immutable and shared.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "envs/env.h"
#include "eval/episode_runner.h"
#include "eval/eval_config.h"

namespace fb::eval {

// EnvSpecs by task/embodiment, compiled on first use; thread-safe.
class SpecCache final {
 public:
  // Throws like envs::EnvSpec::Create.
  std::shared_ptr<const envs::EnvSpec> Get(const envs::EpisodeId& id);

 private:
  std::mutex k_mutex_;
  std::map<std::string, std::shared_ptr<const envs::EnvSpec>> k_specs_;
};

// Makes a fresh policy instance; may be called from several worker threads at once.
using PolicyMaker = std::function<std::unique_ptr<policies::Policy>()>;

// config.policy from the registry.
PolicyMaker RegistryPolicyMaker(const EvalConfig& config);

class EvalWorker final {
 public:
  // `config` and `specs` must outlive the worker; `run_dir` receives the videos. Makes its
  // first policy now (on the calling thread, which should be the worker's).
  EvalWorker(const EvalConfig& config, SpecCache& specs, std::filesystem::path run_dir, PolicyMaker make_policy);
  ~EvalWorker();
  EvalWorker(const EvalWorker&) = delete;
  EvalWorker& operator=(const EvalWorker&) = delete;

  // Runs episode `id`; with `film`, also writes its video (EpisodeVideoPath under the run
  // directory) and names it in the record. After a policy call misses its deadline the
  // policy instance is retired and the next episode gets a fresh one. Throws like RunEpisode.
  EpisodeRecord Run(const envs::EpisodeId& id, bool film);

 private:
  struct PolicySession;
  std::unique_ptr<PolicySession> NewSession() const;

  SpecCache& k_specs_;
  const std::filesystem::path k_run_dir_;
  const EpisodeRunOptions k_options_;
  const PolicyMaker k_make_policy_;
  std::unique_ptr<PolicySession> k_session_;
  std::unique_ptr<envs::Renderer> k_renderer_;
};

}  // namespace fb::eval
