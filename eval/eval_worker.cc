#include "eval/eval_worker.h"

#include <spdlog/spdlog.h>

#include "eval/episode_video.h"
#include "eval/policy_call_thread.h"
#include "policies/registry.h"

namespace fb::eval {

// A policy instance with the episode state it is attached to and the spec that state runs
// on, plus the thread its calls run on when there are deadlines. Retired as a whole when a
// call hangs, because the hung call may still read all of it. Members are destroyed in
// reverse order: the call thread is joined before anything it could touch goes.
struct EvalWorker::PolicySession {
  std::shared_ptr<const envs::EnvSpec> spec;
  envs::EpisodeState state;
  std::unique_ptr<policies::Policy> policy;
  std::unique_ptr<PolicyCallThread> calls;  // null without timeouts
};

std::shared_ptr<const envs::EnvSpec> SpecCache::Get(const envs::EpisodeId& id) {
  std::lock_guard lock(k_mutex_);
  auto& spec = k_specs_[id.task + "/" + id.embodiment];
  if (!spec) spec = envs::EnvSpec::Create(id.suite, id.task, id.embodiment);
  return spec;
}

PolicyMaker RegistryPolicyMaker(const EvalConfig& config) {
  return [&config] {
    // The params' YAML nodes are shared by all workers, and yaml-cpp does not promise that
    // concurrent reads are safe.
    static std::mutex create_mutex;
    std::lock_guard lock(create_mutex);
    return policies::CreatePolicy(config.policy.name, config.policy.params);
  };
}

EvalWorker::EvalWorker(const EvalConfig& config, SpecCache& specs, std::filesystem::path run_dir,
                       PolicyMaker make_policy)
    : k_specs_(specs),
      k_run_dir_(std::move(run_dir)),
      k_options_{config.replan_interval.value_or(0), config.policy_timeout_s, config.episode_timeout_s},
      k_make_policy_(std::move(make_policy)),
      k_session_(NewSession()) {}

EvalWorker::~EvalWorker() = default;

std::unique_ptr<EvalWorker::PolicySession> EvalWorker::NewSession() const {
  auto session = std::make_unique<PolicySession>();
  session->policy = k_make_policy_();
  if (k_options_.policy_timeout_s > 0 || k_options_.episode_timeout_s > 0) {
    session->calls = std::make_unique<PolicyCallThread>();
  }
  return session;
}

EpisodeRecord EvalWorker::Run(const envs::EpisodeId& id, bool film) {
  if (!k_session_) k_session_ = NewSession();
  PolicySession& session = *k_session_;
  session.spec = k_specs_.Get(id);
  const envs::ObservationOptions wanted = session.policy->observation_options();
  if (!k_renderer_ && (wanted.agentview || wanted.wrist || film)) k_renderer_ = std::make_unique<envs::Renderer>();

  std::vector<envs::RgbImage> frames;
  const EpisodeAids aids{k_renderer_.get(), session.calls.get(), film ? &frames : nullptr};
  EpisodeRecord record = RunEpisode(*session.spec, *session.policy, id, session.state, k_options_, aids);
  if (session.calls && session.calls->abandoned()) {
    // The hung call cannot be cancelled and may still use the policy, the state and the spec:
    // freeing them would pull memory from under a running thread. Leak the session on
    // purpose (one per timeout; timeouts are rare and each is recorded) and start afresh.
    spdlog::warn("{}: abandoning a hung policy call; its policy instance is leaked and replaced", id.ToString());
    static_cast<void>(k_session_.release());
  }

  if (film && !frames.empty()) {
    const std::filesystem::path video = EpisodeVideoPath(id);
    try {
      WriteEpisodeVideo(frames, session.spec->embodiment().control_hz(), k_run_dir_ / video);
      record.video = video.generic_string();
    } catch (const std::exception& e) {
      spdlog::warn("{}: no video: {}", id.ToString(), e.what());
    }
  }
  return record;
}

}  // namespace fb::eval
