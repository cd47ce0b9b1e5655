// A task on an embodiment as an environment: an immutable EnvSpec shared by workers and a
// mutable EpisodeState each worker owns, used as (const EnvSpec&, EpisodeState&) the way
// MuJoCo uses (const mjModel*, mjData*).
//
// An episode's start is a pure function of its EpisodeId: object poses are initial state
// init_index of the committed file assets/init_states/<suite>/<task>/<split>.json (see
// splits.h), the instruction template comes from a hash of the same identity (from the split's
// template list), and the small initial joint noise from the seed. Nothing depends on how many
// resets came before.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/body_geometry.h"
#include "envs/controller.h"
#include "envs/embodiment_spec.h"
#include "envs/model_loader.h"
#include "envs/object_state.h"
#include "envs/predicates.h"
#include "envs/renderer.h"
#include "envs/splits.h"
#include "envs/task_spec.h"

namespace fb::envs {

// The identity of an episode; stored with every result.
struct EpisodeId {
  std::string suite;
  std::string task;
  std::string split = "id";  // a configs/splits/ name; "train" holds the demonstration states
  std::string embodiment;
  int init_index = 0;        // >= 0
  uint64_t seed = 0;         // initial joint noise; does not move objects
  // "suite/task/split/embodiment/init/seed".
  std::string ToString() const;
};

// The splits defined in configs/splits/, sorted.
const std::vector<std::string>& KnownSplits();

// A split's definition and its loaded, checked initial states for one task.
struct LoadedSplit {
  SplitConfig config;
  InitStates states;
};

enum class Failure { kNone, kTimeout, kInvalidAction, kUnstable };
// "none" | "timeout" | "invalid_action" | "unstable".
std::string FailureName(Failure failure);

struct EnvOptions {
  ActionSpace action_space = ActionSpace::kDeltaEef;
  bool terminate_on_success = true;  // done as soon as the (held) predicate is true
  double joint_noise = 0.01;         // rad, uniform +- on each arm joint's home, from the seed
};

class EnvSpec final {
 public:
  // Loads suite, task and embodiment by name and compiles the scene. Throws fb::InputError for
  // unknown names (listing the known ones), an embodiment the suite does not list, or any
  // model or predicate error.
  static std::unique_ptr<const EnvSpec> Create(const std::string& suite, const std::string& task,
                                               const std::string& embodiment, EnvOptions options = {});
  // Same from configs already loaded (tests). Throws like Create.
  static std::unique_ptr<const EnvSpec> FromConfigs(const std::string& suite, TaskConfig task,
                                                    EmbodimentSpec embodiment, EnvOptions options = {});
  EnvSpec(const EnvSpec&) = delete;
  EnvSpec& operator=(const EnvSpec&) = delete;

  const std::string& suite() const { return k_suite_; }
  const TaskConfig& task() const { return k_task_; }
  const EmbodimentSpec& embodiment() const { return k_embodiment_; }
  const EnvOptions& options() const { return k_options_; }
  const mjModel* model() const { return k_model_.get(); }
  const Controller& controller() const { return *k_controller_; }
  const Predicate& predicate() const { return *k_predicate_; }
  int action_dim() const { return k_controller_->action_dim(); }
  int substeps() const { return k_embodiment_.substeps(); }
  double table_z() const { return k_table_z_; }
  int num_objects() const { return static_cast<int>(k_object_bodies_.size()); }
  int object_body(int i) const { return k_object_bodies_[static_cast<size_t>(i)]; }
  const LocalBox& object_box(int i) const { return k_object_boxes_[static_cast<size_t>(i)]; }
  // Index of object `name` in task().objects, or -1.
  int object_index(const std::string& name) const { return FindObject(k_task_, name); }
  // Free-joint addresses of object i: 7 qpos values (pos, quat) and 6 dofs.
  int object_qpos_adr(int i) const { return k_object_qpos_[static_cast<size_t>(i)]; }
  int object_dof_adr(int i) const { return k_object_dof_[static_cast<size_t>(i)]; }
  // Object i's one inner joint (a drawer's slide, a button's press), or -1 for a rigid object.
  int object_joint(int i) const { return k_object_joints_[static_cast<size_t>(i)]; }
  // The ood-distractor objects (Distractors() in scene_builder.h), in every model, parked
  // off-table unless an ood-distractor initial state places them.
  int num_distractors() const { return static_cast<int>(k_distractor_qpos_.size()); }
  int distractor_body(int k) const { return k_distractor_bodies_[static_cast<size_t>(k)]; }
  int distractor_qpos_adr(int k) const { return k_distractor_qpos_[static_cast<size_t>(k)]; }
  int distractor_dof_adr(int k) const { return k_distractor_dof_[static_cast<size_t>(k)]; }
  const LocalBox& distractor_box(int k) const { return k_distractor_boxes_[static_cast<size_t>(k)]; }
  // Split `name` with this task's initial states, loaded from InitStatePath on first use and
  // cached (thread-safe). Throws fb::InputError for an unknown split, a missing or malformed
  // file, or one generated for other placement settings (naming the command to regenerate).
  std::shared_ptr<const LoadedSplit> split(const std::string& name) const;

 private:
  EnvSpec(std::string suite, TaskConfig task, EmbodimentSpec embodiment, EnvOptions options);

  std::string k_suite_;
  TaskConfig k_task_;
  EmbodimentSpec k_embodiment_;
  EnvOptions k_options_;
  ModelPtr k_model_;
  std::unique_ptr<Controller> k_controller_;
  std::unique_ptr<Predicate> k_predicate_;
  std::vector<int> k_object_bodies_;    // (objects) body ids
  std::vector<int> k_object_qpos_;      // (objects) free-joint qpos address (7 values)
  std::vector<int> k_object_dof_;       // (objects) free-joint dof address (6 values)
  std::vector<int> k_object_joints_;    // (objects) inner joint id or -1
  std::vector<LocalBox> k_object_boxes_;  // (objects)
  std::vector<int> k_distractor_bodies_, k_distractor_qpos_, k_distractor_dof_;  // (distractors)
  std::vector<LocalBox> k_distractor_boxes_;
  double k_table_z_ = 0;
  mutable std::mutex k_splits_mutex_;
  mutable std::map<std::string, std::shared_ptr<const LoadedSplit>> k_splits_;  // by split name
};

// Everything that changes during an episode; one per worker, reused across episodes.
struct EpisodeState {
  DataPtr data;
  const mjModel* model = nullptr;  // the model `data` was made for
  ControllerState controller;
  PredicateState predicate;
  EpisodeId id;
  std::string instruction;
  int step = 0;            // control steps taken
  int hold = 0;            // consecutive control steps the predicate has held
  bool success_now = false;
  bool success_once = false;
  bool done = false;
  Failure failure = Failure::kNone;
  std::string failure_detail;
};

struct StepResult {
  bool success_now = false;   // predicate held for hold_steps up to this step
  bool success_once = false;  // success_now at any step so far
  bool done = false;          // success (when terminating on it), failure or timeout
  Failure failure = Failure::kNone;
  int step = 0;
};

// Starts episode `id` in `state` (allocating its mjData on first use): robot at home plus
// seed noise, objects at initial state init_index of the split's file, settle_steps of
// physics, then controller and predicate reset. Throws fb::InputError when id names another
// task or embodiment than spec, an unknown split, an init_index outside the file (naming the
// file and its count), or a file that does not match the task (see EnvSpec::split).
void Reset(const EnvSpec& spec, const EpisodeId& id, EpisodeState& state);

// One control step: the controller turns `action` (action_dim values) into actuator targets,
// then substeps physics steps. An action of the wrong size or with NaN/Inf ends the episode
// with Failure::kInvalidAction and throws fb::InputError naming the size or index. A MuJoCo
// warning or non-finite state ends it with Failure::kUnstable. Throws fb::InputError when the
// episode is already done.
StepResult Step(const EnvSpec& spec, std::span<const double> action, EpisodeState& state);

struct ObservationOptions {
  bool agentview = true;
  bool wrist = true;
  int width = 128;
  int height = 128;
  std::string agent_camera = "agentview";
};

struct Proprio {
  std::vector<double> joint_pos;  // (sum of arm joints) rad, arms in order
  std::vector<double> joint_vel;  // (sum of arm joints) rad/s
  std::vector<double> eef_pos;    // (arms x 3) world metres
  std::vector<double> eef_quat;   // (arms x 4) w x y z
  std::vector<double> gripper;    // (arms x 2) finger joint positions
};

struct Observation {
  RgbImage agentview;           // empty unless requested
  std::vector<RgbImage> wrist;  // (arms) empty unless requested
  Proprio proprio;
  std::string instruction;
  std::vector<ObjectState> objects;  // every object on the table (ObserveObjects): the state track's input
};

// The observation of the current state; images only when requested and `renderer` is
// non-null. Throws fb::InputError for a bad camera name or image size.
Observation Observe(const EnvSpec& spec, EpisodeState& state, const ObservationOptions& options, Renderer* renderer);

}  // namespace fb::envs
