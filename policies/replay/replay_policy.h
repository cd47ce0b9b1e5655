// Replays a recorded demo's actions from a LIBERO / robomimic HDF5 file, chunk by chunk: an
// open-loop baseline, and a check that recorded demos still succeed in our scenes. When the
// file's demos carry the collector's identity attributes, each episode replays the demo
// recorded for it; otherwise every episode replays data/demo_<demo_index>. After the last
// recorded action it holds still (no motion, grippers as last commanded) or, with
// on_end: fail, throws. Defaults: configs/policies/replay.yaml.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "policies/policy.h"
#include "policies/replay/recorded_demos.h"

namespace fb::policies {

struct ReplayParams {
  std::string path;
  bool match_episode = true;
  int64_t demo_index = 0;
  int chunk = 1;
  std::string on_end;
  template <class V>
  void Describe(V& v) {
    v("path", path);
    v("match_episode", match_episode);
    v("demo_index", demo_index, config::AtLeast<int64_t>{0});
    v("chunk", chunk, config::Range{1, 1000});
    v("on_end", on_end, config::OneOf{"hold", "fail"});
  }
};

class ReplayPolicy final : public Policy {
 public:
  ReplayPolicy(ReplayParams params, std::vector<RecordedDemo> demos);
  // Registry entry: params layered over configs/policies/replay.yaml; reads the whole file.
  // Throws fb::InputError for an empty path or an unreadable file (see ReadRecordedDemos).
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

  // Throws fb::InputError naming the first episode without a demo and how many lack one.
  void CheckEpisodes(std::span<const envs::EpisodeId> episodes) const override;

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  // Selects the episode's demo. Throws fb::InputError when no demo matches the episode, the
  // demo_index does not exist, or the demo's action dims differ from the task's.
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  // The demo episode `id` replays; null (with the reason in `why`) when there is none.
  const RecordedDemo* Find(const envs::EpisodeId& id, std::string& why) const;

  // The action that keeps the robot where the demo left it.
  std::vector<double> HoldAction() const;

  const ReplayParams k_params_;
  const std::vector<RecordedDemo> k_demos_;
  int k_action_dim_ = 0;
  int k_arms_ = 0;
  bool k_joint_space_ = false;
  const RecordedDemo* k_demo_ = nullptr;  // this episode's
  int64_t k_next_ = 0;                    // next step of k_demo_ to return
};

}  // namespace fb::policies
