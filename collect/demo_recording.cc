#include "collect/demo_recording.h"

#include <fmt/format.h>
#include <mujoco/mujoco.h>

namespace fb::collect {

DemoEpisode BeginDemo(const envs::EnvSpec& spec, const envs::EpisodeState& state, const envs::EpisodeId& id,
                      const DemoRecordOptions& options, const envs::Renderer* renderer) {
  DemoEpisode demo;
  demo.id = id;
  demo.instruction = state.instruction;
  demo.action_dim = spec.action_dim();
  demo.state_dim = spec.model()->nq + spec.model()->nv;
  demo.arms = spec.embodiment().num_arms();
  demo.image_size = options.image_size;
  demo.chunk_horizon = options.chunk_horizon;
  if (renderer != nullptr) {
    if (options.agentview) demo.image_names.push_back("agentview_rgb");
    if (options.eye_in_hand) {
      for (int a = 0; a < demo.arms; ++a) {
        demo.image_names.push_back(a == 0 ? "eye_in_hand_rgb" : fmt::format("eye_in_hand_{}_rgb", a));
      }
    }
  }
  demo.images.resize(demo.image_names.size());
  return demo;
}

void RecordObservation(const envs::EnvSpec& spec, envs::EpisodeState& state, const DemoRecordOptions& options,
                       envs::Renderer* renderer, DemoEpisode& demo) {
  envs::ObservationOptions observe;
  observe.agentview = options.agentview;
  observe.wrist = options.eye_in_hand;
  observe.width = observe.height = options.image_size;
  const envs::Observation obs = envs::Observe(spec, state, observe, renderer);
  const mjModel* m = spec.model();
  const mjData* d = state.data.get();
  demo.states.insert(demo.states.end(), d->qpos, d->qpos + m->nq);
  demo.states.insert(demo.states.end(), d->qvel, d->qvel + m->nv);
  demo.joint_states.insert(demo.joint_states.end(), obs.proprio.joint_pos.begin(), obs.proprio.joint_pos.end());
  demo.gripper_states.insert(demo.gripper_states.end(), obs.proprio.gripper.begin(), obs.proprio.gripper.end());
  for (int a = 0; a < demo.arms; ++a) {
    const auto k = static_cast<size_t>(a);
    demo.ee_pos.insert(demo.ee_pos.end(), obs.proprio.eef_pos.begin() + static_cast<ptrdiff_t>(3 * k),
                       obs.proprio.eef_pos.begin() + static_cast<ptrdiff_t>(3 * k + 3));
    double ori[3];
    mju_quat2Vel(ori, obs.proprio.eef_quat.data() + 4 * k, 1.0);
    demo.ee_ori.insert(demo.ee_ori.end(), ori, ori + 3);
  }
  size_t stream = 0;
  if (renderer != nullptr && options.agentview) {
    const auto& pixels = obs.agentview.pixels;
    demo.images[0].insert(demo.images[0].end(), pixels.begin(), pixels.end());
    ++stream;
  }
  for (const envs::RgbImage& wrist : obs.wrist) {
    demo.images[stream].insert(demo.images[stream].end(), wrist.pixels.begin(), wrist.pixels.end());
    ++stream;
  }
}

void RecordStepResult(const envs::EpisodeState& state, DemoEpisode& demo) {
  demo.rewards.push_back(state.success_now ? 1.0f : 0.0f);
  demo.dones.push_back(state.done ? 1.0f : 0.0f);
  ++demo.steps;
}

void FinishDemo(const envs::EpisodeState& state, DemoEpisode& demo) {
  demo.joint_dim = demo.steps > 0 ? static_cast<int>(demo.joint_states.size()) / demo.steps : 0;
  demo.gripper_dim = demo.steps > 0 ? static_cast<int>(demo.gripper_states.size()) / demo.steps : 0;
  demo.success = state.success_once;
  if (!demo.success) {
    demo.failure = state.failure == envs::Failure::kNone ? "not_solved" : envs::FailureName(state.failure);
    demo.failure_detail = state.failure_detail;
  }
}

}  // namespace fb::collect
