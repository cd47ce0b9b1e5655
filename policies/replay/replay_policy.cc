#include "policies/replay/replay_policy.h"

#include <algorithm>

#include "core/error.h"
#include "policies/registry.h"

namespace fb::policies {

ReplayPolicy::ReplayPolicy(ReplayParams params, std::vector<RecordedDemo> demos)
    : Policy("replay"), k_params_(std::move(params)), k_demos_(std::move(demos)) {}

std::unique_ptr<Policy> ReplayPolicy::Create(const config::Subtree& params) {
  ReplayParams resolved = ResolvePolicyParams<ReplayParams>("replay", params);
  if (resolved.path.empty()) throw InputError("replay: params.path is empty; set it to a LIBERO / robomimic HDF5 file");
  std::vector<RecordedDemo> demos = ReadRecordedDemos(resolved.path);
  return std::make_unique<ReplayPolicy>(std::move(resolved), std::move(demos));
}

void ReplayPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) {
  k_action_dim_ = spec.action_dim();
  k_arms_ = spec.embodiment().num_arms();
  k_joint_space_ = spec.options().action_space != envs::ActionSpace::kDeltaEef;
}

const RecordedDemo* ReplayPolicy::Find(const envs::EpisodeId& id, std::string& why) const {
  const std::string file = "replay: '" + k_params_.path + "'";
  const bool by_identity =
      k_params_.match_episode && std::any_of(k_demos_.begin(), k_demos_.end(), [](const auto& d) { return d.has_identity(); });
  const auto it = by_identity ? std::find_if(k_demos_.begin(), k_demos_.end(), [&](const auto& d) { return d.Matches(id); })
                              : std::find_if(k_demos_.begin(), k_demos_.end(),
                                             [&](const auto& d) { return d.number == k_params_.demo_index; });
  if (it != k_demos_.end()) return &*it;
  if (by_identity) {
    why = file + " has no demo recorded for episode " + id.ToString() +
          " (matching its task, embodiment, split and init_index attributes); set match_episode: false to replay "
          "demo_index instead";
  } else {
    why = file + " has no data/demo_" + std::to_string(k_params_.demo_index) + " (demo_index; the file has " +
          std::to_string(k_demos_.size()) + " demos, first data/" + k_demos_.front().name + ")";
  }
  return nullptr;
}

void ReplayPolicy::CheckEpisodes(std::span<const envs::EpisodeId> episodes) const {
  std::string first;
  size_t missing = 0;
  for (const envs::EpisodeId& id : episodes) {
    std::string why;
    if (Find(id, why) == nullptr && missing++ == 0) first = why;
  }
  if (missing > 0) {
    throw InputError(first + (missing > 1 ? " (and " + std::to_string(missing - 1) + " more of the run's " +
                                                std::to_string(episodes.size()) + " episodes lack one)"
                                          : std::string()));
  }
}

void ReplayPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_action_dim_ == 0) throw InputError("replay: Reset(" + id.ToString() + ") before Attach");
  const std::string file = "replay: '" + k_params_.path + "'";
  std::string why;
  const RecordedDemo* it = Find(id, why);
  if (it == nullptr) throw InputError(why);
  if (it->dims != k_action_dim_) {
    throw InputError(file + ", data/" + it->name + ": actions have " + std::to_string(it->dims) + " dims, the task " +
                     std::to_string(k_action_dim_));
  }
  k_demo_ = it;
  k_next_ = 0;
}

ActionChunk ReplayPolicy::DoAct(const envs::Observation&) {
  if (k_demo_ == nullptr) throw InputError("replay: Act before Reset");
  ActionChunk chunk;
  chunk.action_dim = k_action_dim_;
  const auto dims = static_cast<size_t>(k_action_dim_);
  const int64_t left = k_demo_->steps - k_next_;
  if (left > 0) {
    chunk.steps = static_cast<int>(std::min<int64_t>(k_params_.chunk, left));
    const auto first = k_demo_->actions.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(k_next_) * dims);
    chunk.actions.assign(first, first + static_cast<std::ptrdiff_t>(static_cast<size_t>(chunk.steps) * dims));
    k_next_ += chunk.steps;
    return chunk;
  }
  if (k_params_.on_end == "fail") {
    throw std::runtime_error("replay: data/" + k_demo_->name + " has no actions left after its " +
                             std::to_string(k_demo_->steps) + " (on_end: fail)");
  }
  const std::vector<double> hold = HoldAction();
  chunk.steps = k_params_.chunk;
  for (int s = 0; s < chunk.steps; ++s) chunk.actions.insert(chunk.actions.end(), hold.begin(), hold.end());
  return chunk;
}

std::vector<double> ReplayPolicy::HoldAction() const {
  const auto dims = static_cast<size_t>(k_action_dim_);
  if (k_demo_->steps == 0) return std::vector<double>(dims, 0.0);
  const auto last = k_demo_->actions.end() - static_cast<std::ptrdiff_t>(dims);
  std::vector<double> row(last, k_demo_->actions.end());
  // Joint-position targets already hold still; delta-EEF rows keep only each arm's gripper,
  // the last value of the arm's block (as in the zero policy).
  if (k_joint_space_) return row;
  const size_t per_arm = dims / static_cast<size_t>(k_arms_);
  for (size_t i = 0; i < dims; ++i) {
    if ((i + 1) % per_arm != 0) row[i] = 0.0;
  }
  return row;
}

}  // namespace fb::policies
