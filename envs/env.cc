#include "envs/env.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "core/fnv1a.h"
#include "core/split_mix64.h"
#include "envs/mujoco_errors.h"
#include "envs/scene_builder.h"

namespace fb::envs {
namespace {

std::string FillTemplate(const std::string& text, const TaskConfig& task) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      const size_t close = text.find('}', i);
      const int object = FindObject(task, text.substr(i + 1, close - i - 1));
      out += task.objects[static_cast<size_t>(object)].label;
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The one joint of object `body`'s child bodies (a drawer's slide), checked against the
// task's initial value, or -1 when it has none.
int InnerJoint(const mjModel* m, const TaskConfig& task, const ObjectConfig& object, int body, int free_joint) {
  int inner = -1;
  for (int j = 0; j < m->njnt; ++j) {
    if (j == free_joint || m->body_rootid[m->jnt_bodyid[j]] != body) continue;
    if (inner >= 0 || m->jnt_type[j] == mjJNT_FREE || m->jnt_type[j] == mjJNT_BALL) {
      throw InputError(fmt::format("task '{}': object '{}' (assets/objects/{}.xml) may have one slide or hinge "
                                   "joint besides its free joint",
                                   task.name, object.name, object.kind));
    }
    inner = j;
  }
  const bool limited = inner >= 0 && m->jnt_limited[inner];
  const double lo = limited ? m->jnt_range[2 * inner] : 0, hi = limited ? m->jnt_range[2 * inner + 1] : 0;
  if ((inner < 0 && object.joint != 0) || (limited && (object.joint < lo || object.joint > hi))) {
    throw InputError(fmt::format("task '{}': objects '{}': joint {} is outside the range [{}, {}] of its inner joint",
                                 task.name, object.name, object.joint, lo, hi));
  }
  return inner;
}

}  // namespace

std::string EpisodeId::ToString() const {
  return fmt::format("{}/{}/{}/{}/{}/{}", suite, task, split, embodiment, init_index, seed);
}

const std::vector<std::string>& KnownSplits() {
  static const std::vector<std::string> kSplits = BuiltinSplits();
  return kSplits;
}

std::shared_ptr<const LoadedSplit> EnvSpec::split(const std::string& name) const {
  {
    const std::lock_guard<std::mutex> lock(k_splits_mutex_);
    const auto it = k_splits_.find(name);
    if (it != k_splits_.end()) return it->second;
  }
  auto loaded = std::make_shared<LoadedSplit>();
  loaded->config = LoadSplit(name);
  loaded->states = LoadInitStates(InitStatePath(k_suite_, k_task_.name, name));
  CheckInitStatesMatch(loaded->states, k_task_, loaded->config);
  SplitInstructions(k_task_, loaded->config);  // throws when the task lacks the split's templates
  const std::lock_guard<std::mutex> lock(k_splits_mutex_);
  return k_splits_.emplace(name, std::move(loaded)).first->second;
}

std::string FailureName(Failure failure) {
  switch (failure) {
    case Failure::kNone:
      return "none";
    case Failure::kTimeout:
      return "timeout";
    case Failure::kInvalidAction:
      return "invalid_action";
    case Failure::kUnstable:
      return "unstable";
  }
  return "unknown";
}

EnvSpec::EnvSpec(std::string suite, TaskConfig task, EmbodimentSpec embodiment, EnvOptions options)
    : k_suite_(std::move(suite)),
      k_task_(std::move(task)),
      k_embodiment_(std::move(embodiment)),
      k_options_(options) {}

std::unique_ptr<const EnvSpec> EnvSpec::Create(const std::string& suite, const std::string& task,
                                               const std::string& embodiment, EnvOptions options) {
  const SuiteConfig suite_config = LoadSuite(suite);
  if (std::find(suite_config.embodiments.begin(), suite_config.embodiments.end(), embodiment) ==
      suite_config.embodiments.end()) {
    throw InputError(fmt::format("suite '{}' does not run on embodiment '{}'; it runs on: {}", suite, embodiment,
                                 fmt::join(suite_config.embodiments, ", ")));
  }
  return FromConfigs(suite, LoadTask(suite, task), EmbodimentSpec::Load(embodiment), options);
}

std::unique_ptr<const EnvSpec> EnvSpec::FromConfigs(const std::string& suite, TaskConfig task,
                                                    EmbodimentSpec embodiment, EnvOptions options) {
  std::unique_ptr<EnvSpec> spec(new EnvSpec(suite, std::move(task), std::move(embodiment), options));
  const TaskConfig& t = spec->k_task_;
  spec->k_model_ = LoadTaskModel(spec->k_embodiment_, t);
  const mjModel* m = spec->k_model_.get();
  spec->k_controller_ = std::make_unique<Controller>(spec->k_embodiment_, m, options.action_space);
  spec->k_predicate_ = std::make_unique<Predicate>(Predicate::Parse(t.success, m, t.regions));
  for (const ObjectConfig& object : t.objects) {
    const int body = mj_name2id(m, mjOBJ_BODY, object.name.c_str());
    const int joint = body >= 0 && m->body_jntnum[body] == 1 ? m->body_jntadr[body] : -1;
    if (joint < 0 || m->jnt_type[joint] != mjJNT_FREE) {
      throw InputError(fmt::format("task '{}': object '{}' is not a body with one free joint in assets/objects/{}.xml",
                                   t.name, object.name, object.kind));
    }
    spec->k_object_bodies_.push_back(body);
    spec->k_object_qpos_.push_back(m->jnt_qposadr[joint]);
    spec->k_object_dof_.push_back(m->jnt_dofadr[joint]);
    spec->k_object_boxes_.push_back(BodyLocalBox(m, body));
    spec->k_object_joints_.push_back(InnerJoint(m, t, object, body, joint));
  }
  for (const DistractorConfig& object : Distractors()) {
    const int body = mj_name2id(m, mjOBJ_BODY, object.name.c_str());
    const int joint = body >= 0 && m->body_jntnum[body] == 1 ? m->body_jntadr[body] : -1;
    if (joint < 0 || m->jnt_type[joint] != mjJNT_FREE) {
      throw InputError(fmt::format("task '{}': distractor '{}' is not a body with one free joint", t.name, object.name));
    }
    spec->k_distractor_bodies_.push_back(body);
    spec->k_distractor_qpos_.push_back(m->jnt_qposadr[joint]);
    spec->k_distractor_dof_.push_back(m->jnt_dofadr[joint]);
    spec->k_distractor_boxes_.push_back(BodyLocalBox(m, body));
  }
  const int table = mj_name2id(m, mjOBJ_GEOM, "table_top");
  if (table < 0 || m->geom_type[table] != mjGEOM_BOX) {
    throw InputError(fmt::format("embodiment '{}': scene {} has no box geom 'table_top' to place objects on",
                                 spec->k_embodiment_.name(), spec->k_embodiment_.scene_path().string()));
  }
  spec->k_table_z_ = m->geom_pos[3 * table + 2] + m->geom_size[3 * table + 2];
  return spec;
}

void Reset(const EnvSpec& spec, const EpisodeId& id, EpisodeState& state) {
  const TaskConfig& task = spec.task();
  if (id.task != task.name || id.embodiment != spec.embodiment().name() || id.suite != spec.suite()) {
    throw InputError(fmt::format("episode {} does not belong to this environment ({}/{} on {})", id.ToString(),
                                 spec.suite(), task.name, spec.embodiment().name()));
  }
  if (id.init_index < 0) throw InputError(fmt::format("init_index {} is negative", id.init_index));
  const std::shared_ptr<const LoadedSplit> loaded = spec.split(id.split);
  const size_t count = loaded->states.states.size();
  if (static_cast<size_t>(id.init_index) >= count) {
    throw InputError(fmt::format("init_index {} is out of range: {} holds {} initial states (0..{})", id.init_index,
                                 loaded->states.path.string(), count, count - 1));
  }

  const mjModel* m = spec.model();
  if (!state.data || state.model != m) {
    state.data = MakeData(m);
    state.model = m;
  }
  mjData* d = state.data.get();
  ResetToHome(spec.embodiment(), m, d);  // mj_resetData first: no memory of earlier episodes

  // Robot: home plus seed noise.
  SplitMix64 noise(Fnv1a64(fmt::format("seed/{}", id.seed), kEpisodeSeedBasis));
  for (const ArmIds& arm : spec.controller().arms()) {
    for (size_t j = 0; j < arm.qpos_adr.size(); ++j) {
      const double q = std::clamp(d->qpos[arm.qpos_adr[j]] + noise.Uniform(-1, 1) * spec.options().joint_noise,
                                  arm.range_lo[j], arm.range_hi[j]);
      d->qpos[arm.qpos_adr[j]] = q;
      d->ctrl[arm.actuators[j]] = q;
    }
  }

  // Objects: initial state init_index of the split's committed file.
  ApplyObjectPoses(spec, loaded->states.states[static_cast<size_t>(id.init_index)], d->qpos, d->qvel);
  // ood-visual: this episode's colours, lights and camera shift, in its own mjData (renderer only).
  if (!loaded->states.visual.empty()) {
    ApplyVisual(spec, loaded->states.visual[static_cast<size_t>(id.init_index)], d);
  }
  mj_forward(m, d);

  // Settle with the robot holding still.
  for (int s = 0; s < task.settle_steps * spec.substeps(); ++s) mj_step(m, d);

  spec.controller().Reset(d, state.controller);
  spec.predicate().ResetState(d, state.predicate);
  const std::vector<std::string>& templates = SplitInstructions(task, loaded->config);
  const std::string& text =
      templates[Fnv1a64(fmt::format("instruction/{}/{}/{}", task.name, id.split, id.init_index),
                        kEpisodeSeedBasis) %
                templates.size()];
  state.instruction = FillTemplate(text, task);
  state.id = id;
  state.step = 0;
  state.hold = 0;
  state.success_now = false;
  state.success_once = false;
  state.done = false;
  state.failure = Failure::kNone;
  state.failure_detail.clear();
  if (DataWarningCount(d) > 0) {
    state.done = true;
    state.failure = Failure::kUnstable;
    state.failure_detail = "MuJoCo warning while the objects settled";
  }
}

StepResult Step(const EnvSpec& spec, std::span<const double> action, EpisodeState& state) {
  if (state.done) {
    throw InputError(fmt::format("episode {} is over ({} at step {}); call Reset before Step", state.id.ToString(),
                                 state.failure == Failure::kNone ? "success" : FailureName(state.failure),
                                 state.step));
  }
  const mjModel* m = spec.model();
  mjData* d = state.data.get();
  try {
    spec.controller().Apply(d, action, state.controller);
  } catch (const InputError& e) {
    state.done = true;
    state.failure = Failure::kInvalidAction;
    state.failure_detail = e.what();
    throw;
  }
  const int substeps = spec.substeps();
  for (int s = 0; s < substeps; ++s) mj_step(m, d);
  ++state.step;

  bool finite = true;
  for (int i = 0; i < m->nq && finite; ++i) finite = std::isfinite(d->qpos[i]);
  for (int i = 0; i < m->nv && finite; ++i) finite = std::isfinite(d->qvel[i]);
  if (!finite || DataWarningCount(d) > 0) {
    state.done = true;
    state.failure = Failure::kUnstable;
    state.failure_detail = finite ? "MuJoCo warning (see d->warning)" : "non-finite state";
  } else {
    const bool holds = spec.predicate().Evaluate(m, d, state.predicate);
    state.hold = holds ? state.hold + 1 : 0;
    state.success_now = state.hold >= spec.task().hold_steps;
    state.success_once = state.success_once || state.success_now;
    if (state.success_now && spec.options().terminate_on_success) state.done = true;
    if (!state.done && state.step >= spec.task().max_steps) {
      state.done = true;
      if (!state.success_once) state.failure = Failure::kTimeout;
    }
  }
  return StepResult{state.success_now, state.success_once, state.done, state.failure, state.step};
}

Observation Observe(const EnvSpec& spec, EpisodeState& state, const ObservationOptions& options, Renderer* renderer) {
  const mjModel* m = spec.model();
  mjData* d = state.data.get();
  Observation obs;
  obs.instruction = state.instruction;
  const auto& arms = spec.controller().arms();
  for (size_t a = 0; a < arms.size(); ++a) {
    for (size_t j = 0; j < arms[a].qpos_adr.size(); ++j) {
      obs.proprio.joint_pos.push_back(d->qpos[arms[a].qpos_adr[j]]);
      obs.proprio.joint_vel.push_back(d->qvel[arms[a].dof_adr[j]]);
    }
    double pos[3], quat[4];
    spec.controller().EefPose(d, static_cast<int>(a), pos, quat);
    obs.proprio.eef_pos.insert(obs.proprio.eef_pos.end(), pos, pos + 3);
    obs.proprio.eef_quat.insert(obs.proprio.eef_quat.end(), quat, quat + 4);
    for (int adr : arms[a].finger_qpos_adr) obs.proprio.gripper.push_back(d->qpos[adr]);
  }
  obs.objects = ObserveObjects(spec, d->qpos);
  if (renderer != nullptr) {
    if (options.agentview) obs.agentview = renderer->Render(m, d, options.agent_camera, options.width, options.height);
    if (options.wrist) {
      for (int a = 0; a < spec.embodiment().num_arms(); ++a) {
        obs.wrist.push_back(renderer->Render(m, d, spec.embodiment().arm(a).wrist_camera, options.width, options.height));
      }
    }
  }
  return obs;
}

}  // namespace fb::envs
